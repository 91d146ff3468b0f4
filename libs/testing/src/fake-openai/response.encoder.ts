// Responses API wire objects for one assistant turn: the `response` of a plain request and the
// event sequence of a streamed one (created, in_progress, per output item added → deltas → done,
// completed). `output_text` is left out: the openai client derives it, the API never sends it.
import type {
  Response,
  ResponseCreateParams,
  ResponseFunctionToolCall,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { AssistantTurn, TurnMeta } from './fake-openai.types';
import { slices } from './text.slicer';

export type WireResponse = Omit<Response, 'output_text'>;
/** A stream event as sent: any embedded `response` lacks `output_text` too. */
export type WireResponseEvent = ResponseStreamEvent extends infer E
  ? E extends { response: Response }
    ? Omit<E, 'response'> & { response: WireResponse }
    : E
  : never;

type OutputItem = ResponseOutputMessage | ResponseFunctionToolCall;

export function responseObject(turn: AssistantTurn, meta: TurnMeta, request: ResponseCreateParams): WireResponse {
  return {
    ...shell(meta, request),
    status: 'completed',
    completed_at: meta.created,
    output: outputItems(turn, meta),
    usage: {
      input_tokens: meta.inputTokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: meta.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: meta.inputTokens + meta.outputTokens,
    },
  };
}

export function responseEvents(turn: AssistantTurn, meta: TurnMeta, request: ResponseCreateParams): WireResponseEvent[] {
  let sequence = 0;
  const seq = () => sequence++;
  const inProgress: WireResponse = { ...shell(meta, request), status: 'in_progress' };
  const events: WireResponseEvent[] = [
    { type: 'response.created', sequence_number: seq(), response: inProgress },
    { type: 'response.in_progress', sequence_number: seq(), response: inProgress },
  ];
  outputItems(turn, meta).forEach((item, output_index) => {
    const id = item.id ?? '';
    if (item.type === 'message') {
      const text = (item.content[0] as ResponseOutputText).text;
      const part = (partText: string): ResponseOutputText => ({ type: 'output_text', text: partText, annotations: [], logprobs: [] });
      const at = { item_id: id, output_index, content_index: 0 };
      events.push(
        { type: 'response.output_item.added', sequence_number: seq(), output_index, item: { ...item, status: 'in_progress', content: [] } },
        { type: 'response.content_part.added', sequence_number: seq(), ...at, part: part('') },
        ...slices(text).map((delta): WireResponseEvent => ({ type: 'response.output_text.delta', sequence_number: seq(), ...at, delta, logprobs: [] })),
        { type: 'response.output_text.done', sequence_number: seq(), ...at, text, logprobs: [] },
        { type: 'response.content_part.done', sequence_number: seq(), ...at, part: part(text) },
      );
    } else {
      const at = { item_id: id, output_index };
      events.push(
        { type: 'response.output_item.added', sequence_number: seq(), output_index, item: { ...item, status: 'in_progress', arguments: '' } },
        ...slices(item.arguments).map((delta): WireResponseEvent => ({ type: 'response.function_call_arguments.delta', sequence_number: seq(), ...at, delta })),
        { type: 'response.function_call_arguments.done', sequence_number: seq(), ...at, name: item.name, arguments: item.arguments },
      );
    }
    events.push({ type: 'response.output_item.done', sequence_number: seq(), output_index, item });
  });
  events.push({ type: 'response.completed', sequence_number: seq(), response: responseObject(turn, meta, request) });
  return events;
}

function outputItems(turn: AssistantTurn, meta: TurnMeta): OutputItem[] {
  const items: OutputItem[] = [];
  if (turn.text !== null) {
    items.push({
      type: 'message',
      id: `msg_fake_${meta.seq}`,
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: turn.text, annotations: [], logprobs: [] }],
    });
  }
  turn.toolCalls.forEach((call, index) =>
    items.push({
      type: 'function_call',
      id: `fc_fake_${meta.seq}_${index}`,
      call_id: call.callId,
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    }),
  );
  return items;
}

/** The fields every state of the response shares, echoing the request's settings as the API does. */
function shell(meta: TurnMeta, request: ResponseCreateParams): WireResponse {
  return {
    id: `resp_fake_${meta.seq}`,
    object: 'response',
    created_at: meta.created,
    status: 'in_progress',
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    model: meta.model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
  };
}
