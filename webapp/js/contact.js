/** How a person's e-mail address and phone number are checked before sending (as the server reads them). */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Digits with spaces, dots, dashes, parentheses, a leading +; 6 to 15 digits. */
export function isPhone(value) {
  const digits = value.replace('(0)', '').replace(/\D/g, '');
  return /^\+?[0-9 .()/\u00A0\u202F-]+$/.test(value) && digits.length >= 6 && digits.length <= 15;
}

/** A French mobile number (06, 07), the only ones Cantou's SMS go to (as the server's PhoneNumbers.textable). */
export function isMobile(phone) {
  return /^(?:0|\+33|0033)[67]\d{8}$/.test(phone.replace(/[\s.()\-\u00A0\u202F]/g, ''));
}
