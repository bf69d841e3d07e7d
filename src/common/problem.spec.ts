import { ValidationError } from '@nestjs/common';
import { fieldErrors } from './problem';

describe('fieldErrors', () => {
  it('names nested and array fields by path', () => {
    const errors: ValidationError[] = [
      { property: 'email', constraints: { isEmail: 'email must be an email' }, children: [] },
      {
        property: 'parties',
        children: [
          {
            property: '0',
            children: [{ property: 'councilId', constraints: { isUuid: 'bad id' }, children: [] }],
          },
        ],
      },
    ];
    expect(fieldErrors(errors)).toEqual([
      { field: 'email', message: 'email must be an email' },
      { field: 'parties[0].councilId', message: 'bad id' },
    ]);
  });
});
