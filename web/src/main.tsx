import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { prefetchFirstPage } from "./app/prefetch";
import "./styles.css";

prefetchFirstPage(); // the figures are asked for while the page is drawn
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
