import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";

/** What a tool result becomes for the agent: structured content when the server sent it, else text. */
export function resultContent(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined && result.structuredContent !== null)
    return result.structuredContent;
  return contentText(result.content);
}

/** Text parts joined by newlines; binary parts summarised, since the model cannot read base64. */
export function contentText(content: readonly ContentBlock[] | undefined): string {
  return (content ?? []).map(blockText).join("\n");
}

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
    case "audio":
      return `[${block.type} ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case "resource_link":
      return `[resource ${block.uri}${block.name ? ` "${block.name}"` : ""}${mime(block.mimeType)}]`;
    case "resource": {
      const resource = block.resource;
      if ("text" in resource && typeof resource.text === "string") {
        return `[resource ${resource.uri}${mime(resource.mimeType)}]\n${resource.text}`;
      }
      const size =
        "blob" in resource && typeof resource.blob === "string"
          ? `, ${base64Bytes(resource.blob)} bytes`
          : "";
      return `[resource ${resource.uri}${mime(resource.mimeType)}${size}]`;
    }
    default:
      return `[${(block as { type: string }).type} content]`;
  }
}

const mime = (mimeType: string | undefined): string => (mimeType ? ` ${mimeType}` : "");

function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
