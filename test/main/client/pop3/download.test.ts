// The download machinery's two helpers: the byte budget for messages in flight, and recording
// what one turn of the event loop stored in one go.
import { describe, expect, it } from 'vitest';
import { ByteBudget, perTurn } from '../../../../src/main/client/pop3/download.ts';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('ByteBudget', () => {
  it('lets one download of any size through when none other runs, and holds the next until bytes are released', async () => {
    const budget = new ByteBudget(100);
    await budget.take(500); // larger than the budget, alone: goes
    let second = false;
    const waiting = budget.take(10).then(() => (second = true));
    await nextTurn();
    expect(second).toBe(false);
    budget.release(500);
    await waiting;
    expect(second).toBe(true);
  });

  it('admits downloads side by side while they fit', async () => {
    const budget = new ByteBudget(100);
    await budget.take(40);
    await budget.take(60);
    let third = false;
    const waiting = budget.take(1).then(() => (third = true));
    await nextTurn();
    expect(third).toBe(false);
    budget.release(40);
    await waiting;
    expect(third).toBe(true);
  });
});

describe('perTurn', () => {
  it('hands everything added in one turn to one flush, and settles each item with its flush', async () => {
    const flushed: number[][] = [];
    const add = perTurn<number>((items) => flushed.push(items));
    const first = [add(1), add(2), add(3)];
    expect(flushed).toEqual([]);
    await Promise.all(first);
    expect(flushed).toEqual([[1, 2, 3]]);
    await add(4);
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it('fails the items of a flush that throws, and carries on with the next turn', async () => {
    let fail = true;
    const add = perTurn<number>(() => {
      if (fail) throw new Error('disk full');
    });
    await expect(Promise.all([add(1), add(2)])).rejects.toThrow('disk full');
    fail = false;
    await expect(add(3)).resolves.toBeUndefined();
  });
});
