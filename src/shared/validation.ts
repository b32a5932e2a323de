import { registerDecorator } from 'class-validator';
import type { ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * Text a person must write — a reason, a decision, a reply: between `min` and `max` characters
 * once leading and trailing blanks are left out ("   " is no reason). Refused input gets the
 * hub's usual BAD_USER_INPUT naming the field.
 */
export function HasText(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'hasText',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [min, max],
      options: { message: (a: ValidationArguments) => `${a.property} must have ${min} to ${max} characters besides blanks`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.trim().length >= min && value.length <= max,
      },
    });
}
