import { Type } from 'typebox';

// The Chatbot family's upload answers (spec/chatbot-api.md §9.11, §9.12). The requests are
// multipart (or JSON for a map point) and checked by the routes themselves.

export const UploadData = Type.Object({
  origin_url: Type.String({ description: 'Signed public link to the file (valid 30 days)' }),
  name: Type.String(),
  size: Type.Integer({ description: 'Bytes' }),
  mime_type: Type.String({ description: 'From the bytes, not the name' }),
});

export const MapData = Type.Object({
  origin_url: Type.String({ description: 'Signed public link to the PNG thumbnail' }),
});

export const UploadType = Type.Union([
  Type.Literal('image'),
  Type.Literal('video'),
  Type.Literal('audio'),
  Type.Literal('file'),
]);

// Plain strings, checked by the handler: whatever is wrong with a link gets the same 403.
export const LinkQuery = Type.Object({
  expires: Type.Optional(Type.String({ description: 'Unix seconds after which the link fails' })),
  sig: Type.Optional(Type.String({ description: 'HMAC-SHA256 (hex) of the link' })),
});
export const FileParams = Type.Object({ id: Type.String(), name: Type.String() });
