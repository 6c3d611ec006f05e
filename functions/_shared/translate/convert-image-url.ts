/**
 * An OpenAI `image_url` → an Anthropic image block (spec §9): a data URL
 * becomes a base64 source with its media type, an http(s) URL a url source
 * (Anthropic fetches it). Anything else cannot reach Anthropic: a 400 naming
 * the field, rather than a provider error that would count against it.
 * The media type sent is the one the bytes carry (their signature), where it is
 * one of the four Anthropic takes: Anthropic refuses an image whose bytes do not
 * match the declared type (400 "Image does not match the provided media type"),
 * and clients that label every image `image/jpeg` are common; OpenAI, where such
 * a request was written first, reads the bytes.
 */
import { TranslationError } from "./translation-error.ts";
import type { ImageBlockParam } from "./types.ts";

type Base64MediaType = "image/jpeg" | "image/png" | "image/gif" | "image/webp";

const MEDIA_TYPES: Readonly<Record<string, Base64MediaType>> = {
  "image/jpeg": "image/jpeg",
  // Not a registered type, but common in the wild and unambiguous.
  "image/jpg": "image/jpeg",
  "image/png": "image/png",
  "image/gif": "image/gif",
  "image/webp": "image/webp",
};

/** `data:<media type>[;param=value...];base64,<data>` */
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;

export function convertImageUrl(
  { url, param }: { url: unknown; param: string },
): ImageBlockParam {
  if (typeof url !== "string" || url === "") {
    throw new TranslationError({ param, code: "invalid_type", message: `${param} must be a non-empty string` });
  }
  const dataUrl = DATA_URL.exec(url);
  if (dataUrl) return fromDataUrl({ dataUrl, param });
  if (/^https?:\/\//i.test(url) && URL.canParse(url)) {
    return { type: "image", source: { type: "url", url } };
  }
  throw new TranslationError({
    param,
    message: `${param} must be an http(s) URL or a base64 data URL`,
  });
}

function fromDataUrl(
  { dataUrl, param }: { dataUrl: RegExpExecArray; param: string },
): ImageBlockParam {
  const [, mediaType = "", parameters = "", data = ""] = dataUrl;
  const media_type = Object.hasOwn(MEDIA_TYPES, mediaType.toLowerCase())
    ? MEDIA_TYPES[mediaType.toLowerCase()]
    : undefined;
  if (media_type === undefined) {
    throw new TranslationError({
      param,
      code: "unsupported_value",
      message: `${param}: image type "${mediaType}" is not supported (jpeg, png, gif, webp)`,
    });
  }
  const isBase64 = parameters.toLowerCase().split(";").includes("base64");
  if (!isBase64 || data === "") {
    throw new TranslationError({ param, message: `${param} must be a base64 data URL with data` });
  }
  return { type: "image", source: { type: "base64", media_type: sniffMediaType(data) ?? media_type, data } };
}

/** The image type the first bytes of base64 `data` announce, if one of the four. */
function sniffMediaType(data: string): Base64MediaType | undefined {
  let head: string;
  try {
    head = atob(data.slice(0, 16)); // 12 bytes
  } catch {
    return undefined; // not base64: left to the provider's own validation
  }
  if (head.startsWith("\x89PNG\r\n\x1a\n")) return "image/png";
  if (head.startsWith("\xff\xd8\xff")) return "image/jpeg";
  if (head.startsWith("GIF87a") || head.startsWith("GIF89a")) return "image/gif";
  if (head.startsWith("RIFF") && head.slice(8, 12) === "WEBP") return "image/webp";
  return undefined;
}
