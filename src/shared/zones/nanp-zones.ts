// North American Numbering Plan (+1): area code (NPA) → IANA zone, written from the NANPA
// assignments as of 2025 (including announced overlays). Each row is one region and zone;
// `also` lists the zones a meaningful part of the region lives in (a county or more), so a
// careful caller can require the calling window to be open in all of them (the usual practice
// for split area codes). Single towns on the other side of a line (West Wendover NV, the
// Magdalen Islands) are not listed. Non-geographic codes (toll free 8xx, 5XX personal, 600)
// are absent on purpose: they say nothing about where the callee is.

interface NanpRow {
  region: string;
  country: string;
  zone: string;
  codes: string;
  also?: string[];
}

const ROWS: NanpRow[] = [
  // United States
  { region: 'Alabama', country: 'US', zone: 'America/Chicago', codes: '205 251 256 334 659 938' },
  { region: 'Alaska', country: 'US', zone: 'America/Anchorage', codes: '907' },
  { region: 'Arizona', country: 'US', zone: 'America/Phoenix', codes: '480 520 602 623' },
  // The Navajo Nation in the north-east observes DST, the rest of Arizona does not.
  {
    region: 'Arizona (north, Navajo Nation)',
    country: 'US',
    zone: 'America/Phoenix',
    codes: '928',
    also: ['America/Denver'],
  },
  { region: 'Arkansas', country: 'US', zone: 'America/Chicago', codes: '327 479 501 870' },
  {
    region: 'California',
    country: 'US',
    zone: 'America/Los_Angeles',
    codes:
      '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 ' +
      '669 707 714 738 747 760 805 818 820 831 840 858 909 916 925 949 951',
  },
  { region: 'Colorado', country: 'US', zone: 'America/Denver', codes: '303 719 720 970 983' },
  { region: 'Connecticut', country: 'US', zone: 'America/New_York', codes: '203 475 860 959' },
  { region: 'Delaware', country: 'US', zone: 'America/New_York', codes: '302' },
  { region: 'District of Columbia', country: 'US', zone: 'America/New_York', codes: '202 771' },
  {
    region: 'Florida',
    country: 'US',
    zone: 'America/New_York',
    codes: '239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 813 863 904 941 954',
  },
  // Pensacola, Fort Walton Beach and Panama City (Central) outnumber Tallahassee (Eastern).
  {
    region: 'Florida (panhandle)',
    country: 'US',
    zone: 'America/Chicago',
    codes: '448 850',
    also: ['America/New_York'],
  },
  {
    region: 'Georgia',
    country: 'US',
    zone: 'America/New_York',
    codes: '229 404 470 478 678 706 762 770 912 943',
  },
  { region: 'Hawaii', country: 'US', zone: 'Pacific/Honolulu', codes: '808' },
  // Boise and the south are Mountain; the panhandle (Coeur d'Alene) is Pacific.
  {
    region: 'Idaho',
    country: 'US',
    zone: 'America/Boise',
    codes: '208 986',
    also: ['America/Los_Angeles'],
  },
  {
    region: 'Illinois',
    country: 'US',
    zone: 'America/Chicago',
    codes: '217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872',
  },
  {
    region: 'Indiana',
    country: 'US',
    zone: 'America/Indiana/Indianapolis',
    codes: '260 317 463 765',
  },
  // Gary and Hammond belong to the Chicago area.
  { region: 'Indiana (north-west)', country: 'US', zone: 'America/Chicago', codes: '219' },
  // Evansville and the south-west corner are Central; Starke County in 574 too.
  {
    region: 'Indiana (south, north)',
    country: 'US',
    zone: 'America/Indiana/Indianapolis',
    codes: '574 812 930',
    also: ['America/Chicago'],
  },
  { region: 'Iowa', country: 'US', zone: 'America/Chicago', codes: '319 515 563 641 712' },
  { region: 'Kansas', country: 'US', zone: 'America/Chicago', codes: '316 913' },
  // Four counties on the Colorado line are Mountain.
  {
    region: 'Kansas (west)',
    country: 'US',
    zone: 'America/Chicago',
    codes: '620 785',
    also: ['America/Denver'],
  },
  { region: 'Kentucky (east)', country: 'US', zone: 'America/New_York', codes: '502 606 859' },
  {
    region: 'Kentucky (west)',
    country: 'US',
    zone: 'America/Chicago',
    codes: '270 364',
    also: ['America/New_York'],
  },
  { region: 'Louisiana', country: 'US', zone: 'America/Chicago', codes: '225 318 337 504 985' },
  { region: 'Maine', country: 'US', zone: 'America/New_York', codes: '207' },
  {
    region: 'Maryland',
    country: 'US',
    zone: 'America/New_York',
    codes: '227 240 301 410 443 667',
  },
  {
    region: 'Massachusetts',
    country: 'US',
    zone: 'America/New_York',
    codes: '339 351 413 508 617 774 781 857 978',
  },
  {
    region: 'Michigan',
    country: 'US',
    zone: 'America/Detroit',
    codes: '231 248 269 313 517 586 616 679 734 810 947 989',
  },
  // Four Upper Peninsula counties on the Wisconsin line are Central.
  {
    region: 'Michigan (Upper Peninsula)',
    country: 'US',
    zone: 'America/Detroit',
    codes: '906',
    also: ['America/Menominee'],
  },
  {
    region: 'Minnesota',
    country: 'US',
    zone: 'America/Chicago',
    codes: '218 320 507 612 651 763 924 952',
  },
  { region: 'Mississippi', country: 'US', zone: 'America/Chicago', codes: '228 601 662 769' },
  {
    region: 'Missouri',
    country: 'US',
    zone: 'America/Chicago',
    codes: '235 314 417 557 573 636 660 816 975',
  },
  { region: 'Montana', country: 'US', zone: 'America/Denver', codes: '406' },
  { region: 'Nebraska (east)', country: 'US', zone: 'America/Chicago', codes: '402 531' },
  // The panhandle (Scottsbluff) is Mountain.
  {
    region: 'Nebraska (west)',
    country: 'US',
    zone: 'America/Chicago',
    codes: '308',
    also: ['America/Denver'],
  },
  { region: 'Nevada', country: 'US', zone: 'America/Los_Angeles', codes: '702 725 775' },
  { region: 'New Hampshire', country: 'US', zone: 'America/New_York', codes: '603' },
  {
    region: 'New Jersey',
    country: 'US',
    zone: 'America/New_York',
    codes: '201 551 609 640 732 848 856 862 908 973',
  },
  { region: 'New Mexico', country: 'US', zone: 'America/Denver', codes: '505 575' },
  {
    region: 'New York',
    country: 'US',
    zone: 'America/New_York',
    codes:
      '212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 838 845 914 917 929 934',
  },
  {
    region: 'North Carolina',
    country: 'US',
    zone: 'America/New_York',
    codes: '252 336 472 704 743 828 910 919 980 984',
  },
  // The south-west corner is Mountain.
  {
    region: 'North Dakota',
    country: 'US',
    zone: 'America/Chicago',
    codes: '701',
    also: ['America/Denver'],
  },
  {
    region: 'Ohio',
    country: 'US',
    zone: 'America/New_York',
    codes: '216 220 234 283 326 330 380 419 436 440 513 567 614 740 937',
  },
  { region: 'Oklahoma', country: 'US', zone: 'America/Chicago', codes: '405 539 572 580 918' },
  { region: 'Oregon (west)', country: 'US', zone: 'America/Los_Angeles', codes: '503 971' },
  // Malheur County (Ontario OR) is Mountain.
  {
    region: 'Oregon (east)',
    country: 'US',
    zone: 'America/Los_Angeles',
    codes: '458 541',
    also: ['America/Boise'],
  },
  {
    region: 'Pennsylvania',
    country: 'US',
    zone: 'America/New_York',
    codes: '215 223 267 272 412 445 484 570 582 610 717 724 814 835 878',
  },
  { region: 'Rhode Island', country: 'US', zone: 'America/New_York', codes: '401' },
  {
    region: 'South Carolina',
    country: 'US',
    zone: 'America/New_York',
    codes: '803 821 839 843 854 864',
  },
  // West River (Rapid City) is Mountain.
  {
    region: 'South Dakota',
    country: 'US',
    zone: 'America/Chicago',
    codes: '605',
    also: ['America/Denver'],
  },
  {
    region: 'Tennessee (middle, west)',
    country: 'US',
    zone: 'America/Chicago',
    codes: '615 629 731 901 931',
  },
  { region: 'Tennessee (Knoxville)', country: 'US', zone: 'America/New_York', codes: '865' },
  // Chattanooga is Eastern; Marion, Sequatchie and Bledsoe counties are Central.
  {
    region: 'Tennessee (Chattanooga, Tri-Cities)',
    country: 'US',
    zone: 'America/New_York',
    codes: '423',
    also: ['America/Chicago'],
  },
  {
    region: 'Texas',
    country: 'US',
    zone: 'America/Chicago',
    codes:
      '210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 936 ' +
      '940 945 956 972 979',
  },
  { region: 'Texas (El Paso)', country: 'US', zone: 'America/Denver', codes: '915' },
  { region: 'Utah', country: 'US', zone: 'America/Denver', codes: '385 435 801' },
  { region: 'Vermont', country: 'US', zone: 'America/New_York', codes: '802' },
  {
    region: 'Virginia',
    country: 'US',
    zone: 'America/New_York',
    codes: '276 434 540 571 686 703 757 804 826 948',
  },
  {
    region: 'Washington',
    country: 'US',
    zone: 'America/Los_Angeles',
    codes: '206 253 360 425 509 564',
  },
  { region: 'West Virginia', country: 'US', zone: 'America/New_York', codes: '304 681' },
  {
    region: 'Wisconsin',
    country: 'US',
    zone: 'America/Chicago',
    codes: '262 274 353 414 534 608 715 920',
  },
  { region: 'Wyoming', country: 'US', zone: 'America/Denver', codes: '307' },
  // United States territories
  { region: 'Puerto Rico', country: 'PR', zone: 'America/Puerto_Rico', codes: '787 939' },
  { region: 'US Virgin Islands', country: 'VI', zone: 'America/St_Thomas', codes: '340' },
  { region: 'Guam', country: 'GU', zone: 'Pacific/Guam', codes: '671' },
  { region: 'Northern Mariana Islands', country: 'MP', zone: 'Pacific/Saipan', codes: '670' },
  { region: 'American Samoa', country: 'AS', zone: 'Pacific/Pago_Pago', codes: '684' },
  // Canada
  { region: 'Alberta', country: 'CA', zone: 'America/Edmonton', codes: '368 403 587 780 825' },
  {
    region: 'British Columbia (Lower Mainland)',
    country: 'CA',
    zone: 'America/Vancouver',
    codes: '604',
  },
  // The East Kootenays are Mountain; 236, 672 and 778 overlay the whole province.
  {
    region: 'British Columbia',
    country: 'CA',
    zone: 'America/Vancouver',
    codes: '236 250 672 778',
    also: ['America/Edmonton'],
  },
  { region: 'Manitoba', country: 'CA', zone: 'America/Winnipeg', codes: '204 431 584' },
  { region: 'New Brunswick', country: 'CA', zone: 'America/Moncton', codes: '428 506' },
  // Labrador keeps Atlantic time, half an hour behind the island of Newfoundland.
  {
    region: 'Newfoundland and Labrador',
    country: 'CA',
    zone: 'America/St_Johns',
    codes: '709 879',
    also: ['America/Goose_Bay'],
  },
  {
    region: 'Nova Scotia, Prince Edward Island',
    country: 'CA',
    zone: 'America/Halifax',
    codes: '782 902',
  },
  {
    region: 'Ontario',
    country: 'CA',
    zone: 'America/Toronto',
    codes: '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905 942',
  },
  // Thunder Bay is Eastern; Kenora and the north-west are Central.
  {
    region: 'Ontario (north-west)',
    country: 'CA',
    zone: 'America/Toronto',
    codes: '807',
    also: ['America/Winnipeg'],
  },
  {
    region: 'Quebec',
    country: 'CA',
    zone: 'America/Toronto',
    codes: '263 354 367 418 438 450 468 514 579 581 819 873',
  },
  { region: 'Saskatchewan', country: 'CA', zone: 'America/Regina', codes: '306 474 639' },
  {
    region: 'Yukon, Northwest Territories, Nunavut',
    country: 'CA',
    zone: 'America/Edmonton',
    codes: '867',
    also: ['America/Whitehorse', 'America/Winnipeg', 'America/Toronto'],
  },
  // The other NANP members: each is its own country and zone.
  { region: 'Bahamas', country: 'BS', zone: 'America/Nassau', codes: '242' },
  { region: 'Barbados', country: 'BB', zone: 'America/Barbados', codes: '246' },
  { region: 'Anguilla', country: 'AI', zone: 'America/Anguilla', codes: '264' },
  { region: 'Antigua and Barbuda', country: 'AG', zone: 'America/Antigua', codes: '268' },
  { region: 'British Virgin Islands', country: 'VG', zone: 'America/Tortola', codes: '284' },
  { region: 'Cayman Islands', country: 'KY', zone: 'America/Cayman', codes: '345' },
  { region: 'Bermuda', country: 'BM', zone: 'Atlantic/Bermuda', codes: '441' },
  { region: 'Grenada', country: 'GD', zone: 'America/Grenada', codes: '473' },
  { region: 'Turks and Caicos', country: 'TC', zone: 'America/Grand_Turk', codes: '649' },
  { region: 'Jamaica', country: 'JM', zone: 'America/Jamaica', codes: '658 876' },
  { region: 'Montserrat', country: 'MS', zone: 'America/Montserrat', codes: '664' },
  { region: 'Sint Maarten', country: 'SX', zone: 'America/Lower_Princes', codes: '721' },
  { region: 'Saint Lucia', country: 'LC', zone: 'America/St_Lucia', codes: '758' },
  { region: 'Dominica', country: 'DM', zone: 'America/Dominica', codes: '767' },
  {
    region: 'Saint Vincent and the Grenadines',
    country: 'VC',
    zone: 'America/St_Vincent',
    codes: '784',
  },
  {
    region: 'Dominican Republic',
    country: 'DO',
    zone: 'America/Santo_Domingo',
    codes: '809 829 849',
  },
  { region: 'Trinidad and Tobago', country: 'TT', zone: 'America/Port_of_Spain', codes: '868' },
  { region: 'Saint Kitts and Nevis', country: 'KN', zone: 'America/St_Kitts', codes: '869' },
];

export interface NanpArea {
  region: string;
  country: string;
  zone: string;
  also: readonly string[];
}

export const NANP_AREAS: ReadonlyMap<string, NanpArea> = new Map(
  ROWS.flatMap((row) =>
    row.codes
      .split(' ')
      .map((code): [string, NanpArea] => [
        code,
        { region: row.region, country: row.country, zone: row.zone, also: row.also ?? [] },
      ]),
  ),
);

/** For the table's own test: an area code listed twice would silently lose one of its rows. */
export const NANP_CODE_COUNT = ROWS.reduce((n, row) => n + row.codes.split(' ').length, 0);
