// DescribeImages' deprecationTime: when AWS deprecates (or deprecated) an image. A deprecated
// image still launches; the tool only warns about it.
import type { Image } from "../world.js";
import { el, isoTime } from "../xml.js";

export function renderImageDeprecation(img: Image): string {
  return img.deprecationTime !== undefined ? el("deprecationTime", isoTime(img.deprecationTime)) : "";
}
