// Which intent virtual-alexa resolves each utterance to, against our interaction model.
// Usage: node resolve.js MODEL.json < utterances (one a line) > JSON lines {"text", "intent"}.
// virtual-alexa matches utterances against the samples and slot values of the model (no machine
// learning), so what it resolves is a floor for what Alexa itself would understand.
"use strict";
const readline = require("readline");
const { VirtualAlexa } = require("virtual-alexa");

const model = process.argv[2];
if (!model) {
  console.error("usage: node resolve.js MODEL.json < utterances");
  process.exit(2);
}
const alexa = VirtualAlexa.Builder()
  .handler((event, context, callback) => {
    const req = event.request || {};
    const name = req.intent ? req.intent.name : req.type;
    callback(null, { version: "1.0", response: { outputSpeech: { type: "PlainText", text: name } } });
  })
  .interactionModelFile(model)
  .create();

async function main() {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const text = line.trim();
    if (!text) continue;
    let intent = null;
    try {
      const reply = await alexa.utter(text);
      intent = reply.response.outputSpeech.text;
    } catch (err) {
      intent = null;
    }
    process.stdout.write(JSON.stringify({ text, intent }) + "\n");
  }
}
main();
