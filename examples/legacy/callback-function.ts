/** LiteLLM docs, "Callback Functions": a plain function in `shallot.successCallback`. */
import shallot, { type CallbackKwargs, type ChatCompletion } from 'shallot';

function customCallback(
  kwargs: CallbackKwargs, // kwargs to completion
  completionResponse: ChatCompletion, // response from completion
  startTime: Date,
  endTime: Date, // start/end time
) {
  // Your custom code here
  console.log('LITELLM: in custom callback function');
  console.log('kwargs', kwargs);
  console.log('completion_response', completionResponse);
  console.log('start_time', startTime);
  console.log('end_time', endTime);
}

// Assign the custom callback function
shallot.successCallback = [customCallback];

const response = await shallot.completion({
  model: 'gpt-3.5-turbo',
  messages: [{ role: 'user', content: "Hi 👋 - i'm openai" }],
  mockResponse: 'Hello! How can I help?', // no key, no network
});
console.log('response', response.choices[0]?.message.content);
await shallot.flush();
