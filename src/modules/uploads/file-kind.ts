// What an uploaded file is, from its bytes (magic numbers), never from its name alone: a ".jpg"
// that is a PDF, or a script renamed ".png", must not go out as an image. The list is what
// WhatsApp carries as media (next-features-anchors.md §B; spec/chatbot-api.md §9.11); anything
// else is refused as unsupported content.

export type UploadKind = 'image' | 'video' | 'audio' | 'file';

/** WhatsApp's limits per kind (spec/chatbot-api.md §9.11). */
export const SIZE_LIMITS: Readonly<Record<UploadKind, number>> = {
  image: 5 * 1024 * 1024,
  audio: 16 * 1024 * 1024,
  video: 16 * 1024 * 1024,
  file: 100 * 1024 * 1024,
};

export interface Sniffed {
  kind: UploadKind;
  mime: string;
  /** The extension a file of this type gets when its name has none that fits. */
  ext: string;
}

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

/** The Office Open XML type a zip holds, from its name (the zip's own listing would need inflating). */
const OOXML: Readonly<Record<string, Sniffed>> = {
  docx: {
    kind: 'file',
    ext: 'docx',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
  xlsx: {
    kind: 'file',
    ext: 'xlsx',
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  pptx: {
    kind: 'file',
    ext: 'pptx',
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  },
};
const OLE: Readonly<Record<string, Sniffed>> = {
  doc: { kind: 'file', ext: 'doc', mime: 'application/msword' },
  xls: { kind: 'file', ext: 'xls', mime: 'application/vnd.ms-excel' },
  ppt: { kind: 'file', ext: 'ppt', mime: 'application/vnd.ms-powerpoint' },
};

/** The type of `bytes` (the extension of `name` only tells apart formats that share a container). */
export function sniff(bytes: Uint8Array, name: string): Sniffed | undefined {
  const ext = extensionOf(name);
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff)
    return { kind: 'image', mime: 'image/jpeg', ext: 'jpg' };
  if (ascii(b, 0, '\x89PNG\r\n\x1a\n')) return { kind: 'image', mime: 'image/png', ext: 'png' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP'))
    return { kind: 'image', mime: 'image/webp', ext: 'webp' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE'))
    return { kind: 'audio', mime: 'audio/wav', ext: 'wav' };
  if (ascii(b, 4, 'ftyp')) {
    const brand = String.fromCharCode(...b.subarray(8, 12));
    if (brand.startsWith('M4A') || brand.startsWith('M4B'))
      return { kind: 'audio', mime: 'audio/mp4', ext: 'm4a' };
    if (brand.startsWith('3g')) return { kind: 'video', mime: 'video/3gpp', ext: '3gp' };
    return { kind: 'video', mime: 'video/mp4', ext: 'mp4' };
  }
  if (ascii(b, 0, 'OggS')) return { kind: 'audio', mime: 'audio/ogg', ext: 'ogg' };
  if (ascii(b, 0, '#!AMR')) return { kind: 'audio', mime: 'audio/amr', ext: 'amr' };
  if (ascii(b, 0, 'ID3')) return { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' };
  // MPEG audio frame sync (11 bits set): layer bits 01/10/11 are MP3/MP2/MP1, 00 is AAC (ADTS).
  if (b[0] === 0xff && b[1] !== undefined && (b[1] & 0xe0) === 0xe0) {
    return (b[1] & 0x06) === 0
      ? { kind: 'audio', mime: 'audio/aac', ext: 'aac' }
      : { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' };
  }
  if (ascii(b, 0, '%PDF-')) return { kind: 'file', mime: 'application/pdf', ext: 'pdf' };
  if (ascii(b, 0, 'PK\x03\x04'))
    return OOXML[ext] ?? { kind: 'file', mime: 'application/zip', ext: 'zip' };
  if (ascii(b, 0, '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1')) return OLE[ext];
  // Plain text has no magic: it is text when it is UTF-8 without control bytes.
  if ((ext === 'txt' || ext === 'csv') && isText(b)) {
    return { kind: 'file', mime: ext === 'csv' ? 'text/csv' : 'text/plain', ext };
  }
  return undefined;
}

/** The kind a file name claims by its extension, when it claims a media kind. */
export function claimedKind(name: string): UploadKind | undefined {
  const ext = extensionOf(name);
  if (['jpg', 'jpeg', 'png', 'webp', 'gif'].includes(ext)) return 'image';
  if (['mp4', '3gp', 'mov'].includes(ext)) return 'video';
  if (['mp3', 'aac', 'amr', 'ogg', 'opus', 'm4a', 'wav'].includes(ext)) return 'audio';
  return undefined;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function isText(bytes: Uint8Array): boolean {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Text keeps tabs and line breaks (9-13); other control characters mean binary.
    for (const ch of text) {
      const c = ch.charCodeAt(0);
      if (c < 9 || (c > 13 && c < 32) || c === 127) return false;
    }
    return true;
  } catch {
    return false;
  }
}
