/**
 * One rule for every email the service stores, looks up, throttles on and mails: trim, Unicode
 * NFC, then lower case of the ASCII letters A–Z only. Nothing else is folded, so
 * `officer@İnverclyde-council.example` (a capital I with a dot, U+0130) stays a different
 * address from `officer@inverclyde-council.example`, as it is for the mail system. The database
 * stores the normalised form (a CHECK refuses any other) and matches it exactly.
 */
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, MaxLength } from 'class-validator';

export function normalizeEmail(raw: string): string {
  return raw
    .trim()
    .normalize('NFC')
    .replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** A DTO field holding an email: normalised before it is validated, at most 254 characters. */
export function IsNormalizedEmail(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? normalizeEmail(value) : value,
    ),
    IsEmail(),
    MaxLength(254),
  );
}
