/** Memory for the Responses API: context goes into `instructions`, replies are the output text. */
import type { Response, ResponseCreateParams, ResponseOutputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { newUserContent, nonEmpty, textOf, type StreamReader, type TurnAdapter } from './turn-adapter.js';

export const responsesAdapter: TurnAdapter<ResponseCreateParams, Response, ResponseStreamEvent> = {
  withContext(body, block) {
    return { ...body, instructions: body.instructions ? `${body.instructions}\n\n${block}` : block };
  },

  userText(body) {
    if (typeof body.input === 'string') return nonEmpty(body.input);
    return Array.isArray(body.input) ? textOf(newUserContent(body.input)) : undefined;
  },

  replyText(reply) {
    // The openai client adds `output_text`; compute it for clients that do not.
    return typeof reply.output_text === 'string' ? nonEmpty(reply.output_text) : outputText(reply.output);
  },

  streamReader(): StreamReader<ResponseStreamEvent> {
    let deltas = '';
    let completed: string | undefined;
    return {
      read(event) {
        if (event.type === 'response.output_text.delta') deltas += event.delta;
        // The completed response is authoritative (the raw stream has no `output_text`).
        else if (event.type === 'response.completed') completed = outputText(event.response.output) ?? '';
      },
      text: () => (completed === undefined ? nonEmpty(deltas) : nonEmpty(completed)),
    };
  },
};

/** The text of the response's assistant messages, as the openai client's `output_text` joins it. */
function outputText(output: readonly ResponseOutputItem[] | undefined): string | undefined {
  const texts = (output ?? []).flatMap((item) =>
    item?.type === 'message' ? (item.content ?? []).flatMap((part) => (part?.type === 'output_text' ? [part.text] : [])) : [],
  );
  return nonEmpty(texts.join(''));
}
