// Atlassian Document Format, just enough for ticket descriptions and comments: plain text in (paragraphs split
// on blank lines, line breaks kept as hardBreak nodes), plain text out (for finding a marker in a comment).

export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  version?: number;
}

export function textToAdf(text: string): AdfNode {
  const paragraphs = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '');
  const content = paragraphs.map((paragraph) => ({ type: 'paragraph', content: lineNodes(paragraph) }));
  return { type: 'doc', version: 1, content: content.length > 0 ? content : [{ type: 'paragraph', content: [] }] };
}

function lineNodes(paragraph: string): AdfNode[] {
  const nodes: AdfNode[] = [];
  paragraph.split('\n').forEach((line, i) => {
    if (i > 0) nodes.push({ type: 'hardBreak' });
    if (line !== '') nodes.push({ type: 'text', text: line });
  });
  return nodes;
}

/** The text of an ADF document (or a plain string, as Data Center and v2 send). */
export function adfToText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (!body || typeof body !== 'object') return '';
  const node = body as AdfNode;
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  const inner = (node.content ?? []).map(adfToText);
  return node.type === 'doc' ? inner.join('\n\n') : inner.join('');
}
