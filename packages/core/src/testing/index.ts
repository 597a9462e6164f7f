export {
  type MockOpenAIServer,
  type MockOpenAIServerOptions,
  type MockResponse,
  type MockStep,
  mockResponseFromFile,
  type RecordedRequest,
  startMockOpenAIServer,
} from "./mock-openai-server.ts";
export { type ScriptedModel, type ScriptedTurn, type ScriptStep, scriptedModel } from "./scripted-model.ts";
