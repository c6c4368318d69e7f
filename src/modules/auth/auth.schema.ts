import { Type } from 'typebox';

export const TokenRequest = Type.Object({
  APPKey: Type.String({ minLength: 1, maxLength: 200 }),
  APPSecret: Type.String({ minLength: 1, maxLength: 200 }),
});

export const TokenData = Type.Object({ token: Type.String() });
