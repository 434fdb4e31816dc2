// Message files the user opened (.eml from the file manager or the command line). The renderer
// only ever names a file by the random id given here, never by path, so the API cannot be used
// to read arbitrary files. Parsed with the same primitives as every message in the reader.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ResultOf } from '../../shared/api.ts';
import { HearthError } from '../../shared/errors.ts';
import { desktopLimits } from '../base/limits.ts';
import { parseMessageBody } from '../mail/message-body.ts';
import { summariseRawMessage } from '../mail/message-summary.ts';

export type EmlFile = ResultOf<'eml.read'>;

export class EmlFiles {
  private readonly files = new Map<string, string>();

  /** Remembers a file and returns the id its reader window asks for. */
  register(file: string): string {
    const id = randomBytes(12).toString('hex');
    this.files.set(id, path.resolve(file));
    if (this.files.size > desktopLimits.maxOpenEmlFiles) this.files.delete(this.files.keys().next().value!);
    return id;
  }

  async read(fileId: string): Promise<EmlFile> {
    const file = this.files.get(fileId);
    if (!file) throw new HearthError('NOT_FOUND', 'That message file is no longer open', { field: 'fileId' });
    let raw: Buffer;
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new HearthError('NOT_FOUND', `Not a file: ${path.basename(file)}`);
      if (info.size > desktopLimits.maxEmlBytes) throw new HearthError('MESSAGE_TOO_LARGE', `${path.basename(file)} is larger than Hearth opens (50 MB)`);
      raw = await readFile(file);
    } catch (e) {
      if (e instanceof HearthError) throw e;
      throw new HearthError('NOT_FOUND', `Could not read ${path.basename(file)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const summary = summariseRawMessage(raw);
    return {
      fileName: path.basename(file),
      subject: summary.subject,
      from: summary.from,
      to: summary.to,
      cc: summary.cc,
      date: summary.date,
      body: await parseMessageBody(0, raw),
    };
  }
}
