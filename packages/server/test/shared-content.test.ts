import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  groupBySharedContent,
  type PersonalContent,
  restore,
} from '../src/domain/shared-content.js';

const mail = (
  toEmail: string,
  toName: string | null,
  body = (n: string) => `Hi ${n}, pay up.`,
) => ({
  toEmail,
  toName,
  subject: `For ${toName ?? toEmail}`,
  textBody: body(toName ?? toEmail),
  htmlBody: `<p>${body((toName ?? toEmail).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))}</p>`,
});

/** What each recipient would receive from the grouped content. */
const received = (groups: ReturnType<typeof groupBySharedContent<PersonalContent>>) =>
  groups.flatMap((group) =>
    group.members.map(({ item, substitutions }) => ({
      item,
      textBody: group.textBody === null ? null : restore(group.textBody, substitutions),
      htmlBody: group.htmlBody === null ? null : restore(group.htmlBody, substitutions),
    })),
  );

describe('bodies shared by a batch', () => {
  it('puts bodies that differ only by name and address in one group, HTML escaping kept', () => {
    const items = [
      mail('jane@acme.com', 'Jane Smith'),
      mail('sam@acme.com', 'Sam <b>Bold</b> & Co'),
      mail('noname@acme.com', null),
    ];
    const groups = groupBySharedContent(items, (item) => item);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.textBody).toBe('Hi -emivoy-t1-, pay up.');
    for (const { item, textBody, htmlBody } of received(groups)) {
      expect(textBody).toBe(item.textBody);
      expect(htmlBody).toBe(item.htmlBody);
    }
  });

  it('keeps bodies that differ otherwise apart, and a body holding a tag alone', () => {
    const items = [
      mail('a@x.io', 'Ann', (n) => `Hi ${n}, invoice 1`),
      mail('b@x.io', 'Bob', (n) => `Hi ${n}, invoice 2`),
      mail('c@x.io', 'Cyd', (n) => `Hi ${n}, -emivoy-t0- is ours`),
    ];
    const groups = groupBySharedContent(items, (item) => item);
    expect(groups.map((group) => group.members.length)).toEqual([1, 1, 1]);
    expect(groups[2]?.members[0]?.substitutions).toEqual({});
  });

  it('gives every recipient exactly the body rendered for them, whatever the values', () => {
    const text = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ email: text, name: fc.option(text), before: text, after: text }), {
          minLength: 1,
          maxLength: 6,
        }),
        (people) => {
          const items = people.map((p) => ({
            toEmail: p.email,
            toName: p.name,
            subject: 's',
            textBody: `${p.before}${p.name ?? p.email}${p.after} <${p.email}>`,
            htmlBody: null,
          }));
          const groups = groupBySharedContent(items, (item) => item);
          expect(groups.flatMap((group) => group.members).length).toBe(items.length);
          for (const { item, textBody } of received(groups)) expect(textBody).toBe(item.textBody);
        },
      ),
    );
  });
});
