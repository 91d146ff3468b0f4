import { JsonObject, JsonString } from '@memtrace/http';

/** `PUT /api/v1/sessions/:id` (upstream §7.16); `{}` only bumps `updated_at`. */
export class UpdateSessionRequestDto {
  @JsonString({ description: 'Written as given; `closed` also sets `closed_at`.' })
  status?: string | null;

  @JsonObject('an object', { description: 'Replaces the stored metadata (not merged, as upstream).' })
  metadata?: Record<string, unknown> | null;
}
