// Brazil (+55): the two-digit DDD starts every number, mobiles included, so it places mobiles
// too. Brazil has had no DST since 2019; the zones differ only in their fixed offsets.
import type { PrefixTable } from './prefix-table.ts';

const rows: Array<[string, string, string]> = [
  // [DDDs, region, zone]
  ['11 12 13 14 15 16 17 18 19', 'São Paulo', 'America/Sao_Paulo'],
  ['21 22 24', 'Rio de Janeiro', 'America/Sao_Paulo'],
  ['27 28', 'Espírito Santo', 'America/Sao_Paulo'],
  ['31 32 33 34 35 37 38', 'Minas Gerais', 'America/Sao_Paulo'],
  ['41 42 43 44 45 46', 'Paraná', 'America/Sao_Paulo'],
  ['47 48 49', 'Santa Catarina', 'America/Sao_Paulo'],
  ['51 53 54 55', 'Rio Grande do Sul', 'America/Sao_Paulo'],
  ['61', 'Distrito Federal', 'America/Sao_Paulo'],
  ['62 64', 'Goiás', 'America/Sao_Paulo'],
  ['63', 'Tocantins', 'America/Araguaina'],
  ['65 66', 'Mato Grosso', 'America/Cuiaba'],
  ['67', 'Mato Grosso do Sul', 'America/Campo_Grande'],
  ['68', 'Acre', 'America/Rio_Branco'],
  ['69', 'Rondônia', 'America/Porto_Velho'],
  ['71 73 74 75 77', 'Bahia', 'America/Bahia'],
  ['79', 'Sergipe', 'America/Maceio'],
  ['81 87', 'Pernambuco', 'America/Recife'],
  ['82', 'Alagoas', 'America/Maceio'],
  ['83', 'Paraíba', 'America/Fortaleza'],
  ['84', 'Rio Grande do Norte', 'America/Fortaleza'],
  ['85 88', 'Ceará', 'America/Fortaleza'],
  ['86 89', 'Piauí', 'America/Fortaleza'],
  ['91 93 94', 'Pará', 'America/Belem'],
  ['92', 'Amazonas (Manaus)', 'America/Manaus'],
  ['95', 'Roraima', 'America/Boa_Vista'],
  ['96', 'Amapá', 'America/Belem'],
  ['98 99', 'Maranhão', 'America/Fortaleza'],
];

export const BRAZIL_AREAS: PrefixTable = {
  ...Object.fromEntries(
    rows.flatMap(([codes, region, zone]) => codes.split(' ').map((ddd) => [ddd, { region, zone }])),
  ),
  // The south-west of Amazonas (Eirunepé) keeps Acre time, an hour behind Manaus.
  '97': { region: 'Amazonas (interior)', zone: 'America/Manaus', also: ['America/Eirunepe'] },
};
