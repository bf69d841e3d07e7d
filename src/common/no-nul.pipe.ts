import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError, ValidationProblem } from './problem';

/** Paths (`a.b[0]`) of the strings holding a NUL character, which PostgreSQL text cannot store. */
function nulFields(value: unknown, path: string, found: FieldError[]): FieldError[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      found.push({ field: path, message: `${path} must not contain a NUL character` });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => nulFields(item, `${path}[${i}]`, found));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      nulFields(item, path ? `${path}.${key}` : key, found);
    }
  }
  return found;
}

/**
 * Refuses a body, query or path value with a NUL character (`\u0000`) with a 400 naming the
 * field, before it reaches the database, which would refuse it with an error of its own.
 */
@Injectable()
export class NoNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const errors = nulFields(value, metadata.type === 'param' ? (metadata.data ?? '') : '', []);
    if (errors.length) throw new ValidationProblem(errors);
    return value;
  }
}
