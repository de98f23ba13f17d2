export function makeRows(n) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const t = 1765152000000 + i * 137;
    rows.push({
      site_id: "local",
      session_id: `sess_${1765152000000 + Math.floor(i / 12) * 60000}_${(i >> 4).toString(16).padStart(8, "0")}`,
      event_key: `${t}#evt_20251208_${String(i).padStart(6, "0")}_${((i * 2654435761) >>> 0).toString(16).padStart(8, "0")}`,
      event_id: `evt_20251208_${String(i).padStart(6, "0")}_${((i * 2654435761) >>> 0).toString(16).padStart(8, "0")}`,
      timestamp: t,
      event_type: i % 5 ? "page_view" : "click",
      user_id: `user_${(i >> 6).toString(16).padStart(8, "0")}`,
      page_url: `https://www.example.com/blog/post-${i % 200}`,
      referrer: i % 3 ? null : "https://www.google.com/",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
      ip_prefix: `203.0.${i % 256}.0/24`,
      properties: i % 5 ? "{}" : `{"button":"signup","n":${i}}`,
      received_at: t + 40,
      client_timestamp: null,
      expires_at: Math.floor(t / 1000) + 604800,
    });
  }
  return rows;
}
