// Recipient chips: splitting header text the way the address parser will read it.
import { describe, expect, it } from 'vitest';
import { chipFor, joinRecipients, parseChips, splitRecipients, toChip } from '../../../../src/renderer/src/components/compose/recipients.ts';

describe('recipient chips', () => {
  it('splits at commas and semicolons, never inside quotes or angle brackets', () => {
    expect(splitRecipients('a@x.test, "Groß, Jürgen" <j@y.test>; <odd,but@z.test>,, ')).toEqual(['a@x.test', '"Groß, Jürgen" <j@y.test>', '<odd,but@z.test>']);
  });

  it('shows the name of "Name <address>" and flags what is not an address', () => {
    expect(toChip('"Groß, Jürgen" <j@y.test>')).toEqual({ text: '"Groß, Jürgen" <j@y.test>', label: 'Groß, Jürgen', address: 'j@y.test', valid: true });
    expect(toChip('Ann <ann@home.arpa>')).toMatchObject({ label: 'Ann', address: 'ann@home.arpa', valid: true });
    expect(toChip('bob@localhost')).toMatchObject({ label: 'bob@localhost', valid: true });
    expect(toChip('not an address').valid).toBe(false);
    expect(toChip('two@@x.test').valid).toBe(false);
  });

  it('joins chips and the text being typed back into one header, quoting picked names with specials', () => {
    const chips = [...parseChips('a@x.test'), chipFor({ name: 'Doe, Jane', address: 'jane@x.test' })];
    expect(joinRecipients(chips, ' b@y.test ')).toBe('a@x.test, "Doe, Jane" <jane@x.test>, b@y.test');
    expect(parseChips(joinRecipients(chips)).map((c) => c.address)).toEqual(['a@x.test', 'jane@x.test']);
  });
});
