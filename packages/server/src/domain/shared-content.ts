/** The parts of a rendered message that can be shared, and what makes it personal. */
export interface PersonalContent {
  toEmail: string;
  toName: string | null;
  /** Stays each recipient's own; it must not hold a tag either, as providers substitute there too. */
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
}

/** Bodies shared by a group of messages, and per message the substitutions that restore it. */
export interface SharedContent<T> {
  textBody: string | null;
  htmlBody: string | null;
  members: Array<{ item: T; substitutions: Record<string, string> }>;
}

const tagPrefix = '-emivoy-';
const textTags = [`${tagPrefix}t0-`, `${tagPrefix}t1-`];
const htmlTags = [`${tagPrefix}h0-`, `${tagPrefix}h1-`];
/** Values this short are left in place: replacing them would only make tags of noise. */
const shortestValue = 3;

/**
 * Groups messages whose bodies differ only by the recipient's own address and name, so one
 * provider call (SendGrid substitutions) can carry the whole group. Each body is turned into
 * a skeleton by replacing the recipient's values with tags; messages with the same skeletons
 * share them. A skeleton is used only when putting the values back gives exactly the body
 * that was rendered for that recipient, so what arrives is byte for byte what was rendered
 * and stored; anything else (a body that already holds a tag, values that overlap) is left
 * in a group of its own.
 */
export function groupBySharedContent<T>(
  items: T[],
  contentOf: (item: T) => PersonalContent,
): SharedContent<T>[] {
  const groups = new Map<string, SharedContent<T>>();
  const alone: SharedContent<T>[] = [];
  for (const item of items) {
    const content = contentOf(item);
    const skeleton = skeletonOf(content);
    if (!skeleton) {
      alone.push({
        textBody: content.textBody,
        htmlBody: content.htmlBody,
        members: [{ item, substitutions: {} }],
      });
      continue;
    }
    const key = JSON.stringify([skeleton.textBody, skeleton.htmlBody]);
    const group = groups.get(key);
    const member = { item, substitutions: skeleton.substitutions };
    if (group) group.members.push(member);
    else groups.set(key, { ...skeleton, members: [member] });
  }
  return [...groups.values(), ...alone];
}

function skeletonOf(content: PersonalContent): {
  textBody: string | null;
  htmlBody: string | null;
  substitutions: Record<string, string>;
} | null {
  const { textBody, htmlBody } = content;
  const parts = [content.subject, textBody, htmlBody];
  if (parts.some((part) => part?.includes(tagPrefix))) return null;
  // The second value is what templates call the contact's name: the address when there is none.
  const values = [content.toEmail, content.toName?.trim() ? content.toName : content.toEmail];
  const substitutions: Record<string, string> = {};
  const text = tagged(textBody, values, textTags, substitutions);
  const html = tagged(htmlBody, values.map(escapeHtml), htmlTags, substitutions);
  if (text === undefined || html === undefined) return null;
  return { textBody: text, htmlBody: html, substitutions };
}

/** The body with each value replaced by its tag, or undefined if that cannot be undone. */
function tagged(
  body: string | null,
  values: string[],
  tags: string[],
  substitutions: Record<string, string>,
): string | null | undefined {
  if (body === null) return null;
  // Longer values first, so a name inside the address does not split the address's tag; on a
  // tie the name first, so a contact without a name shares the skeleton of those with one.
  const order = values
    .map((value, index) => ({ value, index, tag: tags[index] as string }))
    .filter(({ value }) => value.length >= shortestValue)
    .sort((a, b) => b.value.length - a.value.length || b.index - a.index);
  let skeleton = body;
  for (const { value, tag } of order) {
    if (!skeleton.includes(value)) continue;
    if ([...textTags, ...htmlTags].some((any) => any.includes(value))) return undefined;
    skeleton = skeleton.split(value).join(tag);
    substitutions[tag] = value;
  }
  return restore(skeleton, substitutions) === body ? skeleton : undefined;
}

/** What the provider does with the tags: each replaced by its value, in one pass. */
export function restore(skeleton: string, substitutions: Record<string, string>): string {
  const tags = Object.keys(substitutions);
  if (tags.length === 0) return skeleton;
  const pattern = new RegExp(tags.map((tag) => tag.replace(/[-]/g, '\\-')).join('|'), 'g');
  return skeleton.replace(pattern, (tag) => substitutions[tag] ?? tag);
}

/** Escapes as the template engine escapes variables in HTML bodies. */
function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}
