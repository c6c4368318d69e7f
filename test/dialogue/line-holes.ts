// What a robot line with a missing word looks like: shared by the built-in lines test and the
// chat robots' transcripts.

export function holes(line: string): string[] {
  const found: string[] = [];
  if (/ {2}/.test(line)) found.push('a double space');
  if (/\s[,.?!;:]/.test(line)) found.push('a space before punctuation');
  if (/[,;:]\s*[.?!]/.test(line) || /[.?!]\s*[,;:.]/.test(line)) found.push('doubled punctuation');
  if (/\b(of|from|on|for|with|to|at|sebesar|dari|pada|untuk|dengan|atas nama)[,.?!;:]/i.test(line))
    found.push('a dangling word before punctuation');
  if (/[{}[\]]/.test(line)) found.push('template syntax');
  if (line !== line.trim() || line === '') found.push('blank edges');
  return found;
}
