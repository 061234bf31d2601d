/* Handbill search (plugins/handbill_search): the index the build wrote (pagefind/, on this
   site), searched in the browser. Loaded only by the search page. Without this script the
   page keeps its links to the news archive and events (data-search-fallback). */
const PAGE = 10;

const form = document.querySelector("[data-search]");
const input = form && form.querySelector("input[type=search]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const moreBox = document.querySelector("[data-search-more-box]");
const moreButton = document.querySelector("[data-search-more]");
const fallback = document.querySelector("[data-search-fallback]");

let pagefind = null;
let results = [];
let shown = 0;
let latest = 0;

function words(name, values) {
  let text = form.getAttribute("data-" + name) || "";
  for (const [key, value] of Object.entries(values || {})) {
    text = text.split("{" + key + "}").join(String(value));
  }
  return text;
}

function say(text) {
  status.textContent = text;
}

/* Pagefind's excerpt is the page's own text, escaped, with <mark> around the words found.
   Rebuilt from text nodes and <mark> only, so nothing else can get into the page. */
function excerpt(html) {
  const out = document.createElement("p");
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(node.textContent);
    }
  }
  return out;
}

async function showMore() {
  const batch = results.slice(shown, shown + PAGE);
  const token = latest;
  const data = await Promise.all(batch.map((r) => r.data()));
  if (token !== latest) {
    return;
  }
  for (const item of data) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = (item.meta && item.meta.title) || item.url;
    li.append(link, excerpt(item.excerpt || ""));
    list.append(li);
  }
  const first = list.children[shown];
  shown += batch.length;
  moreBox.hidden = shown >= results.length;
  return first;
}

async function search(query) {
  const token = ++latest;
  list.replaceChildren();
  moreBox.hidden = true;
  results = [];
  shown = 0;
  if (!query.trim()) {
    say("");
    return;
  }
  say(words("searching"));
  const found = await pagefind.search(query);
  if (token !== latest) {
    return;
  }
  results = found.results;
  await showMore();
  if (token !== latest) {
    return;
  }
  say(results.length ? words("found", { query, count: results.length }) : words("none", { query }));
}

function remember(query) {
  const url = new URL(location.href);
  if (query) {
    url.searchParams.set("q", query);
  } else {
    url.searchParams.delete("q");
  }
  history.replaceState(null, "", url);
}

async function start() {
  if (!form) {
    return;
  }
  try {
    pagefind = await import(new URL(form.getAttribute("data-bundle"), location.href).href);
    await pagefind.options({ baseUrl: form.getAttribute("data-base") || "/" });
    await pagefind.init();
  } catch (error) {
    say(words("unavailable"));
    return;
  }
  form.hidden = false;
  fallback.hidden = true;
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value), 300);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value.trim());
    search(input.value);
  });
  moreButton.addEventListener("click", async () => {
    const first = await showMore();
    if (first) {
      first.querySelector("a").focus();
    }
  });
  const asked = new URL(location.href).searchParams.get("q");
  if (asked) {
    input.value = asked;
    search(asked);
  }
}

start();
