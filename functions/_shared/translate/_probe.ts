import type { ChatCompletion, ChatCompletionCreateParamsBase } from "npm:openai@6.49.0/resources/chat/completions";
import type { Message, MessageCreateParamsNonStreaming, StopReason } from "npm:@anthropic-ai/sdk@1.14.0/resources/messages";
const x: ChatCompletion["object"] = "chat.completion";
const y: StopReason = "end_turn";
const z: number = 1 as unknown as ChatCompletionCreateParamsBase["temperature"] & number;
type M = Message["id"]; type B = MessageCreateParamsNonStreaming["max_tokens"];
const bad: StopReason = "nope";
console.log(x, y, z);
