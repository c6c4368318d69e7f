import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { isTimeZone } from './time.ts';

// The zone a callee lives in, for resolving "tomorrow" and (later) calling windows: the contact's
// own `timezone` field, else the main zone of the number's country, else the app's zone.
// Countries spanning several zones get their most populous one here; per-area precision comes
// with the compliance rules (issue 4).
const COUNTRY_ZONES: Record<string, string> = {
  ID: 'Asia/Jakarta',
  IN: 'Asia/Kolkata',
  PH: 'Asia/Manila',
  MY: 'Asia/Kuala_Lumpur',
  SG: 'Asia/Singapore',
  TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh',
  CN: 'Asia/Shanghai',
  HK: 'Asia/Hong_Kong',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  PK: 'Asia/Karachi',
  BD: 'Asia/Dhaka',
  MM: 'Asia/Yangon',
  US: 'America/New_York',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  BR: 'America/Sao_Paulo',
  CO: 'America/Bogota',
  PE: 'America/Lima',
  CL: 'America/Santiago',
  AR: 'America/Argentina/Buenos_Aires',
  GB: 'Europe/London',
  DE: 'Europe/Berlin',
  FR: 'Europe/Paris',
  ES: 'Europe/Madrid',
  IT: 'Europe/Rome',
  NG: 'Africa/Lagos',
  KE: 'Africa/Nairobi',
  ZA: 'Africa/Johannesburg',
  EG: 'Africa/Cairo',
  AE: 'Asia/Dubai',
  SA: 'Asia/Riyadh',
  TR: 'Europe/Istanbul',
  AU: 'Australia/Sydney',
};

export function calleeZone(number: string, contactZone: unknown, appZone: string): string {
  if (typeof contactZone === 'string' && isTimeZone(contactZone)) return contactZone;
  const country = parsePhoneNumberFromString(number)?.country;
  return (country && COUNTRY_ZONES[country]) || appZone;
}
