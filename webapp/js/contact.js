/** How a person's e-mail address and phone number are checked before sending (as the server reads them). */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Digits with spaces, dots, dashes, parentheses, a leading +; 6 to 15 digits. */
export function isPhone(value) {
  const digits = value.replace('(0)', '').replace(/\D/g, '');
  return /^\+?[0-9 .()/\u00A0\u202F-]+$/.test(value) && digits.length >= 6 && digits.length <= 15;
}

/**
 * A French mobile number (06, 07), the only ones Cantou's SMS go to: the server's PhoneNumbers.textable, on its
 * canonical form ("+33 (0)6 12 34 56 78", "06/12/34/56/78" and "0033 6…" are all +33612345678).
 */
export function isMobile(phone) {
  let p = phone.replace('(0)', '').replace(/[^0-9+]/g, '');
  if (p.startsWith('00')) {
    p = `+${p.slice(2)}`;
  } else if (p.startsWith('0')) {
    p = `+33${p.slice(1)}`;
  }
  if (p.startsWith('+330')) {
    p = `+33${p.slice(4)}`;
  }
  return p.length === 12 && (p.startsWith('+336') || p.startsWith('+337'));
}
