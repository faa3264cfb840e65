"use client";

import { useEffect } from "react";

/**
 * Opens the collapsed <details> that holds the element the URL's fragment names (a finding card folded under its
 * primary cause) and scrolls it into view: browsers expand details only on a full page load's fragment navigation,
 * not on the client-side navigation a Next.js link makes.
 */
export function OpenFragment() {
  useEffect(() => {
    function open() {
      const id = decodeURIComponent(window.location.hash.slice(1));
      const target = id ? document.getElementById(id) : null;
      if (!target) return;
      let folded = false;
      for (let node = target.parentElement; node; node = node.parentElement) {
        if (node instanceof HTMLDetailsElement && !node.open) {
          node.open = true;
          folded = true;
        }
      }
      if (folded) target.scrollIntoView({ block: "start" });
    }
    open();
    window.addEventListener("hashchange", open);
    return () => window.removeEventListener("hashchange", open);
  }, []);
  return null;
}
