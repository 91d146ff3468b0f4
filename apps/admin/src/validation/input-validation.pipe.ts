import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { dtoFields } from '@memtrace/http';
import { orgIdFrom } from '../organizations/dto/org-id.dto';
import { validateInput } from './input-validation.util';

/**
 * `@Body(InputValidationPipe)` / `@Query(InputValidationPipe)` typed as a request DTO arrive
 * validated (`validateInput`, named "request body" or "query"). A parameter of another type passes.

 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { metatype, type } = metadata;
    if (!metatype || (type !== 'body' && type !== 'query') || dtoFields(metatype).length === 0) return value;
    return validateInput(metatype as new () => object, value, type === 'body' ? 'request body' : 'query');
  }
}

/** `@Param('orgId', OrgIdPipe)`: an org id, or a 400 `invalid org id: …`. */
@Injectable()
export class OrgIdPipe implements PipeTransform {
  transform(value: unknown): string {
    return orgIdFrom(value);
  }
}
