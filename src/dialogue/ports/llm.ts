// A chat-completion model: messages in, the assistant's text out. The LLM NLU asks it for JSON;
// a chatbot robot could ask it for a reply. Failures are ProviderErrors.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionOptions {
  /** Ask for a JSON object (the provider's JSON mode, where it has one). */
  json?: boolean;
  temperature?: number;
}

export interface Llm {
  complete(messages: ChatMessage[], options?: CompletionOptions): Promise<string>;
}
