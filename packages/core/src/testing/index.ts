export { type ScriptedModel, type ScriptedTurn, type ScriptStep, scriptedModel } from "./scripted-model.ts";
