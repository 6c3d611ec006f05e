/// <reference lib="dom" />
// (The page's types also where `deno test` checks this module in a Deno program: see ../page-script.ts.)
// Browser side of the dashboard: building DOM and SVG nodes. Every text goes in through
// createTextNode (never as HTML). Served as source by ../page-script.ts: see the rules there
// (exported functions only, no module-level values, no renamed imports).

/** An attribute value; null and undefined leave the attribute out. */
export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue> | null;
/** A child: a node, or a value written as text; null and undefined are skipped. */
export type Child = Node | string | number | null | undefined;

/** The element with this id, checked to be of the expected kind (a page/script mismatch fails loudly). */
export function byId<T extends Element>(id: string, kind: { new (): T; prototype: T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error("The page has no #" + id + " of the expected kind.");
  return node;
}

export function $(id: string): HTMLElement {
  return byId(id, HTMLElement);
}

export function el(tag: string, attrs?: Attrs, children?: Child | Child[]): HTMLElement {
  const node = document.createElement(tag);
  setAll(node, attrs, children);
  return node;
}

export function sv(tag: string, attrs?: Attrs, children?: Child | Child[]): SVGElement {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  setAll(node, attrs, children);
  return node;
}

export function setAll(node: Element, attrs?: Attrs, children?: Child | Child[]): void {
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value !== null && value !== undefined) node.setAttribute(key, String(value));
    }
  }
  if (children === undefined || children === null) return;
  for (const child of Array.isArray(children) ? children : [children]) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

export function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** The first body of a table, which the page always declares. */
export function tableBody(id: string): HTMLTableSectionElement {
  const body = byId(id, HTMLTableElement).tBodies[0];
  if (!body) throw new Error("The table #" + id + " has no body.");
  return body;
}
