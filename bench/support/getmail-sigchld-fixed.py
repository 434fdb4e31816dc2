# Runs Debian's getmail6 unchanged except for one race: ForkingBase waits for each delivery child
# on a Condition that its SIGCHLD handler notifies, and the handler is installed after os.fork(),
# so a child that exits before getmail starts waiting is never noticed and getmail sits out its
# whole timeout ("waiting child pid N timed out"). Here the parent simply waits for the child with
# waitpid; every delivery getmail does (one forked, fsynced Maildir write per message) is kept.
import os
import runpy
import getmailcore.baseclasses as base
from getmailcore.exceptions import getmailOperationError


def forkchild(self, childfun, with_out=True):
    self.child = child = base.Namespace()
    child.stdout = base.TemporaryFile23()
    child.stderr = base.TemporaryFile23()
    child.childpid = os.fork()
    if child.childpid != 0:
        self.log.debug('spawned child %d\n' % child.childpid)
        _, status = os.waitpid(child.childpid, 0)
        if not os.WIFEXITED(status):
            raise getmailOperationError('child pid %d did not exit normally (status %d)' % (child.childpid, status))
        child.exitcode = os.WEXITSTATUS(status)
        child.stderr.seek(0)
        child.err = child.stderr.read().strip().decode()
        child.stdout.seek(0)
        if with_out:
            child.out = child.stdout.read().strip()
        return child
    childfun(child.stdout, child.stderr)


base.ForkingBase.forkchild = forkchild
runpy.run_path('/usr/bin/getmail', run_name='__main__')
