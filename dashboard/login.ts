/**
 * The key form: the body of a 401 from GET /dashboard. The key is asked for once and kept in
 * sessionStorage (gone when the tab closes); with it the page is fetched again with the
 * Authorization header and written into this document, so no request for /dashboard ever goes
 * out without the key, and the key never appears in a URL.
 */
import { KEY_STORAGE, REJECTED_STORAGE } from "./api";

const form = document.getElementById("key-form") as HTMLFormElement;
const input = document.getElementById("key") as HTMLInputElement;
const message = document.getElementById("key-error") as HTMLElement;

async function open(key: string) {
  const response = await fetch(location.href, { headers: { authorization: `Bearer ${key}` }, cache: "no-store" });
  if (response.status === 401) {
    sessionStorage.removeItem(KEY_STORAGE);
    message.textContent = "That key was not accepted (401). Use the key npm start prints, or the one in Secrets Manager.";
    input.focus();
    return;
  }
  if (!response.ok) {
    message.textContent = `The dashboard could not be loaded (HTTP ${response.status}); try again.`;
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  const page = await response.text();
  document.open();
  document.write(page);
  document.close();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  message.textContent = "";
  void open(input.value.trim()).catch(() => {
    message.textContent = "The dashboard could not be reached; check the connection and try again.";
  });
});

if (sessionStorage.getItem(REJECTED_STORAGE)) {
  sessionStorage.removeItem(REJECTED_STORAGE);
  message.textContent = "The stored key is no longer accepted (401). Enter the current key.";
}
const stored = sessionStorage.getItem(KEY_STORAGE);
if (stored) void open(stored);
else input.focus();
