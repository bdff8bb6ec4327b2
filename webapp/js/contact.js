/** How a person's e-mail address and phone number are checked before sending (as the server reads them). */
export const EMAIL = /^[^@\s<>()[\],;:\\]+@[^@\s<>()[\],;:\\"]+\.[^@\s<>()[\],;:\\"]+$/;

/** Digits with spaces, dots, dashes, parentheses, a leading +; 6 to 15 digits. */
export function isPhone(value) {
  const digits = value.replace('(0)', '').replace(/\D/g, '');
  return /^\+?[0-9 .()/\u00A0\u202F-]+$/.test(value) && digits.length >= 6 && digits.length <= 15;
}

/** The overseas departments' first four national digits and their country code (PhoneNumbers.OVERSEAS). */
const OVERSEAS = {
  '0262': '262', '0263': '262', '0269': '262', '0692': '262', '0693': '262', '0639': '262',
  '0590': '590', '0690': '590', '0691': '590', '0594': '594', '0694': '594', '0596': '596', '0696': '596', '0697': '596',
};
/** Saint-Pierre-et-Miquelon: "05 08" and six digits in the French plan, +508 and the six alone (PhoneNumbers.SPM_…). */
const SPM_NATIONAL = '0508';
const SPM_CODE = '+508';
const SPM_MOBILE = /^(?:4[02-489]|5[02-9])\d{4}$/;
/** ARCEP's mobiles for fiction, in Mayotte's block but nobody's: kept under +33 (the demo's numbers). */
const FICTION = '063998';

/** The ten national digits of a number of the French plan ("0692123456"), or null (PhoneNumbers.national). */
function national(international) {
  if (international.startsWith('+33') && international.length === 12) {
    return `0${international.slice(3)}`;
  }
  if (international.startsWith(SPM_CODE) && international.length === SPM_CODE.length + 6) {
    return SPM_NATIONAL + international.slice(SPM_CODE.length);
  }
  for (const code of ['+262', '+590', '+594', '+596']) {
    if (international.startsWith(code) && international.length === code.length + 9) {
      const digits = `0${international.slice(code.length)}`;
      return OVERSEAS[digits.slice(0, 4)] === code.slice(1) && !digits.startsWith(FICTION) ? digits : null;
    }
  }
  return null;
}

/**
 * A number in its international form, as the server's PhoneNumbers.canonical: "+33 (0)6 12 34 56 78", "06/12/34/56/78"
 * and "0033 6…" are all +33612345678; an overseas department's under its own code ("06 92 …" is +262692…).
 */
export function international(phone) {
  let p = phone.replace('(0)', '').replace(/[^0-9+]/g, '');
  if (p.startsWith('00')) {
    p = `+${p.slice(2)}`;
  } else if (p.startsWith('0')) {
    p = `+33${p.slice(1)}`;
  }
  // The national 0 kept after the country code ("+33 06…", "+262 0692…"): dropped, as the French dial it.
  for (const code of ['+33', '+262', '+590', '+594', '+596', SPM_CODE]) {
    if (p.startsWith(`${code}0`)) {
      p = code + p.slice(code.length + 1);
    }
  }
  const digits = national(p);
  if (digits?.startsWith(SPM_NATIONAL)) {
    return SPM_CODE + digits.slice(SPM_NATIONAL.length);
  }
  return digits && OVERSEAS[digits.slice(0, 4)] && !digits.startsWith(FICTION) ? `+${OVERSEAS[digits.slice(0, 4)]}${digits.slice(1)}` : p;
}

/**
 * A French mobile number (06, 07, the overseas departments' included, and Saint-Pierre-et-Miquelon's), the only ones
 * Cantou's SMS go to (PhoneNumbers.textable).
 */
export function isMobile(phone) {
  const digits = national(international(phone));
  if (digits?.startsWith(SPM_NATIONAL)) {
    return SPM_MOBILE.test(digits.slice(SPM_NATIONAL.length));
  }
  return digits !== null && (digits.startsWith('06') || digits.startsWith('07'));
}
