// Chat Completions wire objects for one assistant turn: the `chat.completion` of a plain request
// and the `chat.completion.chunk` sequence of a streamed one, shaped as the real API sends them
// (role first, content or tool-call deltas, a finish chunk, then usage if asked for).
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { AssistantTurn, TurnMeta } from './fake-openai.types';
import { slices } from './text.slicer';

export function chatCompletion(turn: AssistantTurn, meta: TurnMeta): ChatCompletion {
  const calls = turn.toolCalls.map((call) => ({
    id: call.callId,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: completionId(meta),
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    system_fingerprint: 'fp_fake',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: turn.text, refusal: null, annotations: [], ...(calls.length > 0 ? { tool_calls: calls } : {}) },
        logprobs: null,
        finish_reason: finishReason(turn),
      },
    ],
    usage: usage(meta),
  };
}

/** `includeUsage` is the request's `stream_options.include_usage`: a last chunk with no choices. */
export function chatCompletionChunks(turn: AssistantTurn, meta: TurnMeta, includeUsage: boolean): ChatCompletionChunk[] {
  const base = { id: completionId(meta), object: 'chat.completion.chunk' as const, created: meta.created, model: meta.model, system_fingerprint: 'fp_fake' };
  const chunk = (delta: ChatCompletionChunk.Choice.Delta, finish: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks = [chunk({ role: 'assistant', content: turn.text === null ? null : '', refusal: null })];
  for (const piece of slices(turn.text ?? '')) chunks.push(chunk({ content: piece }));
  turn.toolCalls.forEach((call, index) => {
    // The first delta of a call names it; the arguments follow in pieces under the same index.
    chunks.push(chunk({ tool_calls: [{ index, id: call.callId, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of slices(call.arguments)) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  chunks.push(chunk({}, finishReason(turn)));
  if (includeUsage) chunks.push({ ...base, choices: [], usage: usage(meta) });
  return chunks;
}

function completionId(meta: TurnMeta): string {
  return `chatcmpl-fake-${meta.seq}`;
}

function finishReason(turn: AssistantTurn): 'stop' | 'tool_calls' {
  return turn.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

function usage(meta: TurnMeta): CompletionUsage {
  return {
    prompt_tokens: meta.inputTokens,
    completion_tokens: meta.outputTokens,
    total_tokens: meta.inputTokens + meta.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}
