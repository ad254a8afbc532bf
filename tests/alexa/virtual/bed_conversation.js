// A conversation through our generated interaction model with virtual-alexa (npm), against the
// running skill at argv[2] (its /alexa URL). virtual-alexa resolves each utterance with the model,
// keeps the session, and plays AudioPlayer directives (sending PlaybackStarted and the like back).
// Prints one JSON line per turn: what was said, the speech, whether the session ended, and the player.
const path = require("path");
const va = require("virtual-alexa");

const [url, model] = [process.argv[2], process.argv[3]];
const alexa = va.VirtualAlexa.Builder()
  .skillURL(url)
  .interactionModelFile(model)
  .applicationID("amzn1.ask.skill.virtual-alexa")
  .create();
alexa.context().device().audioPlayerSupported(true);

function player() {
  const ap = alexa.audioPlayer();
  const item = ap.playing();
  return { playing: ap.isPlaying(), url: item ? item.stream.url : null, token: item ? item.stream.token : null };
}

async function turn(label, act) {
  const reply = await act();
  const response = (reply && reply.response) || {};
  const speech = response.outputSpeech ? (response.outputSpeech.ssml || response.outputSpeech.text || "") : "";
  console.log(JSON.stringify({ label, speech: speech.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim(),
    ended: response.shouldEndSession !== false, directives: (response.directives || []).map(d => d.type),
    intent: alexa._lastIntent || null, player: player() }));
  return speech;
}

(async () => {
  const said = [];
  alexa.filter((request) => { if (request.request.intent) alexa._lastIntent = request.request.intent.name; });
  await turn("launch", () => alexa.launch());
  let speech = await turn("start a check in", () => alexa.utter("start a check in"));
  if (/\?\s*$/.test(speech.replace(/<[^>]+>/g, "").trim())) await turn("yes", () => alexa.utter("yes"));
  speech = await turn("next", () => alexa.utter("next"));
  if (/\?\s*$/.test(speech.replace(/<[^>]+>/g, "").trim())) await turn("yes", () => alexa.utter("yes"));
  await turn("pause", () => alexa.utter("pause"));
  await turn("resume", () => alexa.utter("resume"));
  await turn("stop", () => alexa.utter("stop"));
})().catch((err) => { console.error(String(err && err.stack || err)); process.exit(1); });
