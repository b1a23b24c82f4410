// The dashboard's script: no build step, no dependency, talks only to this emulator (its control
// API, the Graph-shaped actions, and the server-sent events of /_emulator/events).

const $ = (id) => document.getElementById(id);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const unitMs = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY };
/** ClockAdvance.byMs allows up to a year. */
const maxAdvanceMs = 365 * DAY;
/** FaultRegistry's "until used up" count for a fault with a probability and no count. */
const unlimited = 1e9;

const statusLabels = {
  delivered: { icon: '✓', text: 'delivered' },
  failed: { icon: '✕', text: 'failed' },
  retrying: { icon: '↻', text: 'retrying' },
  pending: { icon: '…', text: 'pending' },
};

const deliveryActions = {
  drop: 'never sent and not retried: the delivery fails at once.',
  duplicate: 'sent twice with the same delivery id.',
  delay: 'the first attempt waits on the clock for the time given.',
  reorder: "held back until the flow's next delivery has gone (at most the time given, default 60 s).",
  truncate: 'only half the body is sent.',
  stall: 'the attempt gets no answer and times out; it is retried.',
};

const state = {
  businesses: [],
  webhookLimit: 5,
  flows: [],
  /** deliveryId → Delivery, and deliveryId → its row. */
  deliveries: new Map(),
  rows: new Map(),
  /** The last ClockState, with the wall time it arrived at (a real clock keeps moving). */
  clock: undefined,
  clockReceivedAt: 0,
  faults: [],
  /** The policy table (GET /_emulator/policies), its values kept current by `status` events. */
  policies: [],
  /** While the journal loads, live events wait here, then apply in order. */
  buffered: undefined,
  /** Settled deliveries --retain-deliveries removed, as the journal and `status` events say. */
  evicted: 0,
};

// ---------------------------------------------------------------- small helpers

function say(text) {
  $('message').textContent = text;
}

function announce(text) {
  $('announce').textContent = text;
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    throw new Error(data?.error ? `${data.error.code}: ${data.error.message}` : `HTTP ${response.status}`);
  }
  return data;
}

/**
 * Runs an action from a control, saying what failed instead of throwing into the console. The
 * action starts at once, so it can still call `event.preventDefault()`.
 */
function act(action) {
  return (...args) => {
    try {
      Promise.resolve(action(...args)).catch((error) => say(error.message));
    } catch (error) {
      say(error.message);
    }
  };
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** Replaces a select's options, keeping the choice; untouched when they are the same (an open list stays open). */
function fillSelect(select, options) {
  const signature = JSON.stringify(options);
  if (select.dataset.options === signature) return;
  select.dataset.options = signature;
  const previous = select.value;
  select.replaceChildren(...options.map(([value, label]) => element('option', label, { value })));
  if (options.some(([value]) => value === previous)) select.value = previous;
}

function debounced(run) {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      run();
    }, 50);
  };
}

/**
 * At most one run at a time; calls during a run ask for one more after it, however many they are
 * (a scenario that books a thousand appointments reloads the list a few times, not a thousand).
 */
function coalesced(run) {
  let running;
  let again = false;
  const start = () => {
    running = Promise.resolve()
      .then(run)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          start().catch((error) => say(error.message));
        }
      });
    return running;
  };
  return () => {
    if (!running) return start();
    again = true;
    return running;
  };
}

/** Rebuilds `container` with `build`, giving the focus back to the control that had it (by its data-focus key). */
function keepingFocus(container, build) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focus : undefined;
  build();
  if (key) container.querySelector(`[data-focus="${key}"]`)?.focus();
}

// ---------------------------------------------------------------- time

const pad = (value) => String(value).padStart(2, '0');

/** The emulator clock's now, in ms: a real clock moves on between status events. */
function clockNow() {
  if (!state.clock) return Date.now();
  const now = Date.parse(state.clock.now);
  return state.clock.mode === 'real' ? now + (Date.now() - state.clockReceivedAt) : now;
}

function dateOf(ms) {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

function timeOf(ms) {
  const date = new Date(ms);
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** An instant on the emulator clock: the time alone when it is today on that clock. */
function when(iso) {
  const ms = Date.parse(iso);
  return dateOf(ms) === dateOf(clockNow()) ? timeOf(ms) : `${dateOf(ms)} ${timeOf(ms)}`;
}

function timeElement(iso, className) {
  return element('time', when(iso), {
    datetime: iso,
    title: `${iso} (emulator clock)`,
    class: className ?? '',
  });
}

function spoken(ms) {
  const total = Math.round(Math.abs(ms) / SECOND);
  if (total < 60) return `${total} s`;
  const parts = [];
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds && !days) parts.push(`${seconds} s`);
  return parts.join(' ');
}

/** "in 5 s", "due now", "3 min ago", on the emulator clock. */
function relative(iso) {
  const distance = Date.parse(iso) - clockNow();
  if (Math.abs(distance) < SECOND) return 'due now';
  return distance > 0 ? `in ${spoken(distance)}` : `${spoken(distance)} ago`;
}

/** 90s, 30m, 1h30m, 2d, 500ms → milliseconds; undefined when it is not such an amount. */
function parseAmount(text) {
  const trimmed = text.replace(/\s+/g, '').toLowerCase();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g))
    total += Number(match[1]) * unitMs[match[2]];
  return Math.round(total);
}

// ---------------------------------------------------------------- clock

function renderClock() {
  const clock = state.clock;
  if (!clock) return;
  const now = clockNow();
  $('clock-now').textContent = `${dateOf(now)} ${timeOf(now)} UTC`;
  $('clock-now').setAttribute('datetime', new Date(now).toISOString());
  if (clock.mode === 'virtual') {
    $('clock-mode').textContent = 'virtual clock: it moves only when advanced';
  } else {
    const ahead = Date.parse(clock.now) - state.clockReceivedAt;
    $('clock-mode').textContent =
      ahead >= SECOND ? `real clock, advanced ${spoken(ahead)} ahead of wall time` : 'real clock (wall time)';
  }
  if (clock.pendingTimers === 0 || !clock.nextTimerAt) {
    $('clock-timers').textContent = 'No retry or delay waiting on the clock.';
  } else {
    const waiting =
      clock.pendingTimers === 1 ? '1 retry or delay waits' : `${clock.pendingTimers} retries or delays wait`;
    $('clock-timers').textContent =
      `${waiting} on the clock; the next is due at ${when(clock.nextTimerAt)} (${relative(clock.nextTimerAt)}).`;
  }
  $('advance-next').disabled = !clock.nextTimerAt;
}

function setClock(clock) {
  state.clock = clock;
  state.clockReceivedAt = Date.now();
  renderClock();
  refreshDueTimes();
}

async function advance(body, what) {
  say(`Advancing the clock ${what}…`);
  const clock = await call('POST', '/_emulator/clock', body);
  setClock(clock);
  say(`Clock advanced ${what}: now ${when(clock.now)} UTC.`);
}

/** Keeps "in 5 s" and the real clock's time current. */
function tick() {
  renderClock();
  refreshDueTimes();
}

// ---------------------------------------------------------------- journal

function flowOf(webhookId) {
  return state.flows.find((flow) => flow.webhookId === webhookId);
}

/** Query parameters that carry a secret, masked as the emulator's logs mask them: `sig` is a flow's password. */
const secretParameters = /([?&](?:token|sig|code)=)([^&#]*)/gi;

/** A flow's URL as the page shows it: secrets masked, this emulator's own origin left out. */
function displayUrl(url) {
  const masked = url.replace(
    secretParameters,
    (_whole, name, value) => `${name}${value.length > 8 ? `${value.slice(0, 4)}…` : '…'}`,
  );
  return masked.startsWith(`${location.origin}/`) ? masked.slice(location.origin.length) : masked;
}

/** Shorter still, for a row: without the query string (api-version, sp, sv, sig). */
function shortUrl(url) {
  const query = url.search(/[?#]/);
  return displayUrl(query < 0 ? url : url.slice(0, query));
}

function flowLabel(flow) {
  return `${flow.changeTypes.join(', ')} → ${displayUrl(flow.notificationUrl)}`;
}

/** The appointment a delivery carries, as its payload says it (what the flow receives). */
function appointmentOf(delivery) {
  const payload = delivery.payload ?? {};
  const group = Array.isArray(payload.Customers)
    ? payload.Customers.map((customer) => customer.Name).filter(Boolean)
    : [];
  const customer = payload.CustomerName ?? (group.length > 0 ? group.join(', ') : undefined);
  return { service: payload.ServiceName, customer, start: payload.StartTime, reason: payload.CancelReason };
}

function searchText(delivery) {
  const { service, customer } = appointmentOf(delivery);
  return [
    service,
    customer,
    delivery.payload?.CustomerEmail,
    delivery.appointmentId,
    delivery.deliveryId,
    delivery.webhookId,
    delivery.url,
    delivery.changeType,
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

function currentFilters() {
  return {
    status: $('filter-status').value,
    flow: $('filter-flow').value,
    mailbox: $('filter-mailbox').value.toLowerCase(),
    text: $('filter-text').value.trim().toLowerCase(),
  };
}

function matches(delivery, filters) {
  if (filters.status === 'problem' && delivery.status !== 'failed' && delivery.status !== 'retrying')
    return false;
  if (filters.status && filters.status !== 'problem' && delivery.status !== filters.status) return false;
  if (filters.flow && delivery.webhookId !== filters.flow) return false;
  if (filters.mailbox && delivery.mailbox.toLowerCase() !== filters.mailbox) return false;
  if (filters.text && !searchText(delivery).includes(filters.text)) return false;
  return true;
}

function attemptResult(attempt) {
  if (attempt.responseStatus !== undefined) return `HTTP ${attempt.responseStatus}`;
  return attempt.error ?? 'no answer';
}

function detailsContent(delivery) {
  const parts = [];
  const ids = element(
    'p',
    `delivery ${delivery.deliveryId} · appointment ${delivery.appointmentId} · flow ${delivery.webhookId} · mailbox ${delivery.mailbox}`,
    { class: 'muted' },
  );
  if (delivery.redeliveryOf) ids.textContent += ` · redelivery of ${delivery.redeliveryOf}`;
  parts.push(element('p', `POST ${displayUrl(delivery.url)}`, { class: 'muted' }), ids);
  if (delivery.attempts.length > 0) {
    const table = element('table');
    const head = element('tr');
    for (const title of ['#', 'started', 'answer', 'outcome', 'ms'])
      head.append(element('th', title, { scope: 'col' }));
    table.append(element('thead'), element('tbody'));
    table.tHead.append(head);
    for (const attempt of delivery.attempts) {
      const row = element('tr');
      const notes = [attempt.duplicate ? 'duplicate' : '', attempt.truncated ? 'truncated' : ''].filter(
        Boolean,
      );
      row.append(
        element('td', String(attempt.attempt)),
        element('td', when(attempt.startedAt)),
        element('td', attemptResult(attempt), { class: 'wrap' }),
        element('td', [attempt.outcome, ...notes].join(', ')),
        element('td', String(Math.round(attempt.latencyMs))),
      );
      table.tBodies[0].append(row);
    }
    parts.push(scrolling(table));
    const last = delivery.attempts[delivery.attempts.length - 1];
    if (last.responseBodyExcerpt || last.error) {
      parts.push(element('pre', `${attemptResult(last)}\n${last.responseBodyExcerpt ?? last.error ?? ''}`));
    }
  }
  parts.push(element('pre', JSON.stringify(delivery.payload, null, 2)));
  return parts;
}

function renderRow(delivery, item) {
  const { status } = delivery;
  const label = statusLabels[status] ?? { icon: '?', text: status };
  item.className = `delivery is-${status}`;
  item.dataset.status = status;

  const badge = element('span', undefined, { class: `badge badge-${status}` });
  badge.append(element('span', label.icon, { 'aria-hidden': 'true' }), document.createTextNode(label.text));
  const head = element('p', undefined, { class: 'delivery-head' });
  head.append(
    badge,
    element('span', delivery.changeType, { class: 'change-type' }),
    timeElement(delivery.createdAt, 'delivery-time'),
  );

  const { service, customer, start, reason } = appointmentOf(delivery);
  const appointment = element('p', undefined, { class: 'appointment' });
  appointment.append(element('strong', service ?? 'no ServiceName'));
  appointment.append(document.createTextNode(` · ${customer ?? 'no customer name'}`));
  if (start) {
    const starts = element('span', ` · starts ${start} UTC`, { title: 'StartTime as the flow receives it' });
    appointment.append(starts);
  }
  if (reason) appointment.append(document.createTextNode(` · reason: ${reason}`));

  const flow = flowOf(delivery.webhookId);
  const target = element('p', `→ ${shortUrl(delivery.url)}`, { class: 'muted' });
  if (!flow) target.textContent += ' (flow no longer subscribed)';

  const attempts = element('p', undefined, { class: 'attempts' });
  const count = delivery.attempts.length;
  const last = delivery.attempts[count - 1];
  attempts.append(document.createTextNode(count === 1 ? '1 attempt' : `${count} attempts`));
  if (last) {
    attempts.append(
      document.createTextNode(` · last: ${attemptResult(last)} at `),
      timeElement(last.startedAt),
    );
  }
  if (delivery.nextAttemptAt) {
    const next = element('span', undefined, { class: 'next-attempt', 'data-due': delivery.nextAttemptAt });
    next.textContent = `next attempt ${when(delivery.nextAttemptAt)} (${relative(delivery.nextAttemptAt)})`;
    attempts.append(document.createTextNode(' · '), next);
  }

  const parts = [head, appointment, target, attempts];
  if (delivery.refused) parts.push(element('p', `Not sent: ${delivery.refused}`, { class: 'refused' }));

  const actions = element('div', undefined, { class: 'delivery-actions' });
  const details = element('details');
  const summary = element('summary', 'Payload, attempts and answer', { 'data-focus': 'details' });
  details.append(summary);
  details.addEventListener('toggle', () => {
    if (details.open)
      details.replaceChildren(summary, ...detailsContent(state.deliveries.get(delivery.deliveryId)));
  });
  const wasOpen = item.querySelector('details')?.open;
  if (wasOpen) {
    details.open = true;
    details.append(...detailsContent(delivery));
  }
  const redeliver = element('button', 'Redeliver', {
    type: 'button',
    'data-focus': 'redeliver',
    'aria-label': `Redeliver ${delivery.changeType} of ${service ?? 'the appointment'} for ${customer ?? 'the customer'} to ${displayUrl(delivery.url)}`,
  });
  redeliver.addEventListener(
    'click',
    act(async () => {
      await call('POST', `/_emulator/deliveries/${encodeURIComponent(delivery.deliveryId)}/redeliver`, {});
      say('Redelivery queued.');
    }),
  );
  actions.append(details, redeliver);
  parts.push(actions);
  keepingFocus(item, () => item.replaceChildren(...parts));
}

/** Adds or updates one delivery's row; new ones go on top (newest first). */
function renderDelivery(delivery, live) {
  const previous = state.deliveries.get(delivery.deliveryId);
  state.deliveries.set(delivery.deliveryId, delivery);
  let item = state.rows.get(delivery.deliveryId);
  if (!item) {
    item = element('li', undefined, { 'data-delivery-id': delivery.deliveryId });
    state.rows.set(delivery.deliveryId, item);
    $('journal').prepend(item);
  }
  renderRow(delivery, item);
  item.hidden = !matches(delivery, currentFilters());
  if (live && previous?.status !== delivery.status) {
    const { service, customer } = appointmentOf(delivery);
    const about = `${delivery.changeType} of ${service ?? 'an appointment'} for ${customer ?? 'a customer'}`;
    if (delivery.status === 'failed') announce(`Delivery failed: ${about} to ${displayUrl(delivery.url)}.`);
    if (delivery.status === 'retrying')
      announce(`Delivery retrying: ${about}, next attempt ${when(delivery.nextAttemptAt)}.`);
  }
  journalChanged();
}

function refreshDueTimes() {
  for (const node of document.querySelectorAll('[data-due]')) {
    node.textContent = `next attempt ${when(node.dataset.due)} (${relative(node.dataset.due)})`;
  }
}

function applyFilters() {
  const filters = currentFilters();
  for (const [id, item] of state.rows) item.hidden = !matches(state.deliveries.get(id), filters);
  renderSummary();
}

function renderSummary() {
  const counts = { failed: 0, retrying: 0, pending: 0, delivered: 0 };
  for (const delivery of state.deliveries.values())
    counts[delivery.status] = (counts[delivery.status] ?? 0) + 1;
  const total = state.deliveries.size;
  const filters = currentFilters();
  let shown = 0;
  for (const item of state.rows.values()) if (!item.hidden) shown += 1;

  const summary = $('journal-summary');
  const parts = [
    element('span', shown === total ? `${total} deliveries` : `Showing ${shown} of ${total} deliveries`),
  ];
  for (const status of ['failed', 'retrying', 'pending', 'delivered']) {
    if (counts[status] === 0) continue;
    const label = statusLabels[status];
    const button = element('button', undefined, {
      type: 'button',
      class: `badge badge-${status}`,
      'data-focus': status,
      'aria-pressed': String(filters.status === status),
      'aria-label': `${counts[status]} ${label.text}: show only these`,
    });
    button.append(
      element('span', label.icon, { 'aria-hidden': 'true' }),
      document.createTextNode(`${counts[status]} ${label.text}`),
    );
    button.addEventListener('click', () => {
      $('filter-status').value = filters.status === status ? '' : status;
      applyFilters();
    });
    parts.push(button);
  }
  keepingFocus(summary, () => summary.replaceChildren(...parts));

  for (const option of $('filter-status').options) {
    const base = option.dataset.base ?? option.textContent;
    option.dataset.base = base;
    const count =
      option.value === ''
        ? total
        : option.value === 'problem'
          ? counts.failed + counts.retrying
          : counts[option.value];
    option.textContent = `${base} (${count ?? 0})`;
  }

  const evicted = $('journal-evicted');
  evicted.hidden = state.evicted === 0;
  evicted.textContent =
    state.evicted === 1
      ? '1 older delivery evicted (start --retain-deliveries)'
      : `${state.evicted} older deliveries evicted (start --retain-deliveries)`;

  const empty = $('journal-empty');
  empty.hidden = shown > 0;
  empty.textContent =
    total === 0
      ? 'No delivery yet: subscribe a flow (its trigger-API call), then create an appointment.'
      : 'No delivery matches these filters.';
}

function renderFilterOptions() {
  const flows = new Map(state.flows.map((flow) => [flow.webhookId, `${flowLabel(flow)} (${flow.mailbox})`]));
  for (const delivery of state.deliveries.values()) {
    if (!flows.has(delivery.webhookId))
      flows.set(delivery.webhookId, `${displayUrl(delivery.url)} (no longer subscribed)`);
  }
  fillSelect($('filter-flow'), [['', 'all flows'], ...flows]);
  const mailboxes = new Set(state.businesses.map((business) => business.email));
  for (const delivery of state.deliveries.values()) mailboxes.add(delivery.mailbox);
  fillSelect($('filter-mailbox'), [
    ['', 'all mailboxes'],
    ...[...mailboxes].map((mailbox) => [mailbox, mailbox]),
  ]);
}

const journalChanged = debounced(() => {
  renderFilterOptions();
  renderSummary();
});

/** What a row shows changes only with these. */
const rowState = (delivery) =>
  delivery &&
  [delivery.status, delivery.attempts.length, delivery.nextAttemptAt, delivery.url, delivery.refused].join(
    '|',
  );

/**
 * Brings the journal in line with GET /_emulator/deliveries: rows of deliveries a reset cleared
 * go, changed ones are drawn again (an open "payload" stays open), new ones come on top.
 */
async function syncJournal() {
  state.buffered = [];
  try {
    const { deliveries, evicted } = await call('GET', '/_emulator/deliveries');
    state.evicted = evicted ?? 0;
    deliveries.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const present = new Set(deliveries.map((delivery) => delivery.deliveryId));
    for (const [id, item] of state.rows) {
      if (present.has(id)) continue;
      item.remove();
      state.rows.delete(id);
      state.deliveries.delete(id);
    }
    for (const delivery of deliveries) {
      if (rowState(state.deliveries.get(delivery.deliveryId)) !== rowState(delivery))
        renderDelivery(delivery, false);
    }
  } finally {
    const buffered = state.buffered;
    state.buffered = undefined;
    for (const delivery of buffered) renderDelivery(delivery, true);
    journalChanged();
  }
}

/** One sync at a time: live events that arrive meanwhile wait for it, then apply in order. */
const loadJournal = coalesced(syncJournal);

function onDeliveryEvent(delivery) {
  if (state.buffered) state.buffered.push(delivery);
  else renderDelivery(delivery, true);
}

// ---------------------------------------------------------------- mailboxes, flows and appointments

function showDeliveriesOf(filter, value) {
  $('filter-status').value = '';
  $('filter-text').value = '';
  $('filter-flow').value = filter === 'flow' ? value : '';
  $('filter-mailbox').value = filter === 'mailbox' ? value : '';
  applyFilters();
  $('journal-section').scrollIntoView();
  $('filter-status').focus();
}

function renderMailboxes() {
  const container = $('mailboxes');
  container.replaceChildren();
  for (const business of state.businesses) {
    const flows = state.flows.filter((flow) => flow.mailbox.toLowerCase() === business.email.toLowerCase());
    const block = element('div', undefined, { class: 'mailbox' });
    const heading = element(
      'h3',
      `${business.displayName} — ${business.email}: ${flows.length} of ${state.webhookLimit} flows`,
    );
    block.append(heading);
    const list = element('ul');
    for (const flow of flows) {
      const item = element('li', `${flowLabel(flow)} (by ${flow.createdBy}) `);
      const show = element('button', 'deliveries', {
        type: 'button',
        'data-focus': `flow-${flow.webhookId}`,
        class: 'link-button',
        'aria-label': `Show the deliveries of the flow ${flowLabel(flow)}`,
      });
      show.addEventListener('click', () => showDeliveriesOf('flow', flow.webhookId));
      item.append(show);
      list.append(item);
    }
    if (flows.length === 0) list.append(element('li', 'No flow subscribed yet.', { class: 'muted' }));
    block.append(list);
    container.append(block);
  }
  const inboxes = new Set();
  for (const flow of state.flows) {
    const match = /\/_emulator\/inbox\/([^/?#]+)/.exec(flow.notificationUrl);
    if (match) inboxes.add(decodeURIComponent(match[1]));
  }
  $('inbox-names').replaceChildren(
    ...[...inboxes].map((name) => element('option', undefined, { value: name })),
  );
  fillSelect($('fault-flow'), [
    ['', 'any flow'],
    ...state.flows.map((flow) => [flow.webhookId, flowLabel(flow)]),
  ]);
}

function selectedService() {
  const business = state.businesses.find((candidate) => candidate.email === $('create-mailbox').value);
  return business?.services?.find((service) => service.id === $('create-service').value);
}

function renderServices() {
  const business = state.businesses.find((candidate) => candidate.email === $('create-mailbox').value);
  fillSelect(
    $('create-service'),
    (business?.services ?? []).map((service) => [
      service.id,
      `${service.displayName} (${service.maxAttendees > 1 ? 'group' : '1:1'})`,
    ]),
  );
  renderQuestions();
}

/** One field per question of the chosen service: a list for a choice question, text otherwise. */
function renderQuestions() {
  const questions = selectedService()?.customQuestions ?? [];
  const signature = JSON.stringify(questions);
  const container = $('create-answers');
  if (container.dataset.questions === signature) return;
  container.dataset.questions = signature;
  container.replaceChildren(
    ...questions.map((question) => {
      const attributes = { 'data-question': question.id, ...(question.isRequired ? { required: '' } : {}) };
      let field;
      if (question.answerOptions?.length) {
        field = element('select', undefined, attributes);
        field.replaceChildren(
          element('option', '', { value: '' }),
          ...question.answerOptions.map((option) => element('option', option, { value: option })),
        );
      } else {
        field = element('input', undefined, { ...attributes, autocomplete: 'off' });
      }
      const label = element('label', `${question.question}${question.isRequired ? ' *' : ''} `);
      label.append(field);
      return label;
    }),
  );
}

/** The answers given in the form, as Graph's customQuestionAnswers. */
function formAnswers() {
  const questions = selectedService()?.customQuestions ?? [];
  return [...$('create-answers').querySelectorAll('[data-question]')]
    .filter((field) => field.value.trim() !== '')
    .map((field) => {
      const question = questions.find((candidate) => candidate.id === field.dataset.question);
      return question?.answerOptions?.length
        ? { questionId: field.dataset.question, selectedOptions: [field.value] }
        : { questionId: field.dataset.question, answer: field.value };
    });
}

const loadAppointments = coalesced(async () => {
  const options = [];
  for (const business of state.businesses) {
    const list = await call(
      'GET',
      `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(business.email)}/appointments`,
    );
    for (const appointment of list.value) {
      const who = (appointment.customers ?? []).map((customer) => customer.name).join(', ');
      options.push([
        `${business.email}|${appointment.id}`,
        `${appointment.serviceName} ${appointment.startDateTime.dateTime.slice(0, 16)} ${who}`,
      ]);
    }
  }
  fillSelect($('change-appointment'), options);
});

const loadFlows = coalesced(async () => {
  state.flows = (await call('GET', '/_emulator/flows')).flows;
  keepingFocus($('mailboxes'), renderMailboxes);
  journalChanged();
});

// ---------------------------------------------------------------- faults

function describeFault(fault) {
  const extra = [];
  if (fault.probability !== undefined)
    extra.push(`with probability ${Math.round(fault.probability * 100)} %`);
  if (fault.retryAfterSeconds !== undefined) extra.push(`Retry-After ${fault.retryAfterSeconds} s`);
  if (fault.target === 'delivery') {
    const scope = [];
    const flow = fault.webhookId ? flowOf(fault.webhookId) : undefined;
    if (fault.webhookId) scope.push(`flow ${flow ? flowLabel(flow) : fault.webhookId}`);
    if (fault.mailbox) scope.push(`mailbox ${fault.mailbox}`);
    if (fault.delayMs !== undefined) extra.push(`for ${spoken(fault.delayMs)}`);
    return `Deliveries: ${fault.action} (${scope.length > 0 ? scope.join(', ') : 'any flow'})${extra.length ? `, ${extra.join(', ')}` : ''}`;
  }
  if (fault.target === 'inbox') {
    return `Inbox ${fault.inbox} answers ${fault.status}${extra.length ? `, ${extra.join(', ')}` : ''}`;
  }
  const answers = [];
  if (fault.status !== undefined) answers.push(`answers ${fault.status}`);
  if (fault.latencyMs !== undefined) answers.push(`waits ${fault.latencyMs} ms`);
  if (fault.dropConnection) answers.push('drops the connection');
  return `Trigger API ${answers.join(' and ')}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

function renderFaults() {
  const list = $('faults-active');
  list.replaceChildren();
  state.faults.forEach((entry, index) => {
    const description = describeFault(entry.fault);
    const left =
      entry.remaining >= unlimited
        ? 'until switched off'
        : `${entry.remaining} more time${entry.remaining === 1 ? '' : 's'}`;
    const item = element('li');
    const text = element('span');
    text.append(
      element('span', '⚠ ', { 'aria-hidden': 'true' }),
      document.createTextNode(`${description} · ${left}`),
    );
    const off = element('button', 'Switch off', {
      type: 'button',
      'data-focus': `fault-${index}`,
      'aria-label': `Switch off: ${description}`,
    });
    off.addEventListener(
      'click',
      act(() => removeFault(index)),
    );
    item.append(text, off);
    list.append(item);
  });
  if (state.faults.length === 0) list.append(element('li', 'No fault is switched on.', { class: 'none' }));
  $('faults-clear').disabled = state.faults.length === 0;
}

function setFaults(faults) {
  if (JSON.stringify(faults) === JSON.stringify(state.faults) && $('faults-active').childElementCount > 0)
    return;
  state.faults = faults;
  keepingFocus($('faults-active'), renderFaults);
}

async function loadFaults() {
  setFaults((await call('GET', '/_emulator/faults')).faults);
}

/**
 * The control API clears faults all at once; switching one off clears them and switches the
 * others back on with what they had left.
 */
async function removeFault(index) {
  const { faults } = await call('GET', '/_emulator/faults');
  const removed = state.faults[index];
  const keep = faults.filter((entry) => JSON.stringify(entry.fault) !== JSON.stringify(removed?.fault));
  if (keep.length === faults.length) keep.splice(index, 1);
  await call('DELETE', '/_emulator/faults');
  for (const entry of keep) {
    const fault = { ...entry.fault };
    if (entry.remaining >= unlimited) delete fault.count;
    else fault.count = entry.remaining;
    await call('POST', '/_emulator/faults', fault);
  }
  await loadFaults();
  say(removed ? `Switched off: ${describeFault(removed.fault)}.` : 'Fault switched off.');
}

function showFaultFields() {
  const target = $('fault-target').value;
  for (const group of document.querySelectorAll('#fault-form [data-target]')) {
    const active = group.dataset.target === target;
    group.hidden = !active;
    for (const field of group.querySelectorAll('input, select')) field.disabled = !active;
  }
  const action = $('fault-action').value;
  $('fault-action-help').textContent = `${action}: ${deliveryActions[action]}`;
  const holds = target === 'delivery' && (action === 'delay' || action === 'reorder');
  $('fault-delay-label').hidden = !holds;
  $('fault-delay').disabled = !holds;
  $('fault-retry-after-label').hidden = target === 'delivery';
  $('fault-retry-after').disabled = target === 'delivery';
}

function faultFromForm() {
  const target = $('fault-target').value;
  const fault = { target };
  if (target === 'delivery') {
    fault.action = $('fault-action').value;
    if ($('fault-flow').value) fault.webhookId = $('fault-flow').value;
    if ($('fault-mailbox').value) fault.mailbox = $('fault-mailbox').value;
    if (!$('fault-delay').disabled && $('fault-delay').value.trim()) {
      const ms = parseAmount($('fault-delay').value);
      if (ms === undefined)
        throw new Error(`Hold for: "${$('fault-delay').value}" is not an amount such as 30s or 5m.`);
      fault.delayMs = ms;
    }
  } else if (target === 'inbox') {
    fault.inbox = $('fault-inbox-name').value.trim();
    if (!fault.inbox) throw new Error('Name the inbox: the NAME in /_emulator/inbox/NAME.');
    fault.status = Number($('fault-inbox-status').value);
  } else {
    const answer = $('fault-trigger-answer').value;
    if (answer === 'drop') fault.dropConnection = true;
    else fault.status = Number(answer);
  }
  if ($('fault-count').value) fault.count = Number($('fault-count').value);
  if (!$('fault-retry-after').disabled && $('fault-retry-after').value) {
    fault.retryAfterSeconds = Number($('fault-retry-after').value);
  }
  if ($('fault-probability').value) fault.probability = Number($('fault-probability').value);
  return fault;
}

// ---------------------------------------------------------------- policies

function evidenceOf(policy, value) {
  return policy.values.find((choice) => choice.value === value);
}

function strengthBadge(strength, short) {
  return element('span', short ? strength : `evidence: ${strength}`, {
    class: `strength strength-${strength}`,
  });
}

/** Tables scroll sideways inside their box instead of widening a narrow window. */
function scrolling(table) {
  const wrap = element('div', undefined, { class: 'table-wrap' });
  wrap.append(table);
  return wrap;
}

function renderPolicyState(policy) {
  const card = document.querySelector(`[data-policy="${policy.name}"]`);
  if (!card) return;
  const select = card.querySelector('select');
  if (document.activeElement !== select) select.value = policy.value;
  const choice = evidenceOf(policy, policy.value);
  card.classList.toggle('changed', policy.value !== policy.default);
  const inForce = card.querySelector('.in-force');
  inForce.replaceChildren(
    element(
      'span',
      `${policy.value}${policy.value === policy.default ? ' (default)' : ' (not the default)'}: `,
      { class: 'change-type' },
    ),
    document.createTextNode(`${choice?.meaning ?? ''} `),
    strengthBadge(choice?.strength ?? 'none'),
    document.createTextNode(` sources: ${choice?.source ?? 'none'}`),
  );
  if (choice && (choice.strength === 'weak' || choice.strength === 'none')) {
    inForce.append(
      element('span', ` ⚠ ${choice.strength === 'none' ? 'no source shows this value' : 'weak evidence'}`, {
        class: 'refused',
      }),
    );
  }
}

function renderPolicies() {
  const container = $('policies');
  container.replaceChildren();
  for (const policy of state.policies) {
    const id = `policy-${policy.name}`;
    const card = element('div', undefined, { class: 'policy', 'data-policy': policy.name });
    const head = element('div', undefined, { class: 'policy-head' });
    const label = element('label', policy.name, { for: id });
    const select = element('select', undefined, {
      id,
      name: policy.name,
      'aria-describedby': `${id}-about ${id}-in-force`,
    });
    for (const choice of policy.values) {
      select.append(
        element(
          'option',
          `${choice.value}${choice.value === policy.default ? ' (default)' : ''} · ${choice.strength}`,
          {
            value: choice.value,
          },
        ),
      );
    }
    select.value = policy.value;
    select.addEventListener(
      'change',
      act(async () => {
        const { policies } = await call('PUT', '/_emulator/policies', { [policy.name]: select.value });
        setPolicies(policies);
        say(`Policy ${policy.name} = ${select.value}.`);
      }),
    );
    head.append(label, select);
    const about = element('p', `${policy.description} (${policy.kind})`, {
      id: `${id}-about`,
      class: 'muted',
    });
    const inForce = element('p', undefined, { id: `${id}-in-force`, class: 'in-force' });
    const more = element('details');
    more.append(element('summary', 'Every value, its evidence, and advice'));
    const table = element('table');
    const headRow = element('tr');
    for (const title of ['value', 'what the emulator does', 'evidence'])
      headRow.append(element('th', title, { scope: 'col' }));
    table.append(element('thead'), element('tbody'));
    table.tHead.append(headRow);
    for (const choice of policy.values) {
      const row = element('tr');
      const strength = element('td');
      strength.append(
        strengthBadge(choice.strength, true),
        element('br'),
        document.createTextNode(choice.source),
      );
      row.append(element('td', choice.value), element('td', choice.meaning, { class: 'wrap' }), strength);
      table.tBodies[0].append(row);
    }
    more.append(scrolling(table), element('p', `Advice: ${policy.advice}`));
    card.append(head, about, inForce, more);
    container.append(card);
    renderPolicyState(policy);
  }
}

function setPolicies(policies) {
  const names = (list) => list.map((policy) => policy.name).join();
  const rebuild = names(policies) !== names(state.policies);
  state.policies = policies;
  if (rebuild) renderPolicies();
  else for (const policy of policies) renderPolicyState(policy);
}

/** A `status` event carries the values only; the evidence stays as loaded. */
function setPolicyValues(values) {
  for (const policy of state.policies) {
    if (values[policy.name] !== undefined && values[policy.name] !== policy.value) {
      policy.value = values[policy.name];
      renderPolicyState(policy);
    }
  }
}

async function loadPolicies() {
  setPolicies((await call('GET', '/_emulator/policies')).policies);
}

// ---------------------------------------------------------------- controls

const utc = (local) => `${local}:00`;

function wireControls() {
  $('create-mailbox').addEventListener('change', renderServices);
  $('create-service').addEventListener('change', renderQuestions);
  $('create-form').addEventListener(
    'submit',
    act(async (event) => {
      event.preventDefault();
      const mailbox = $('create-mailbox').value;
      const created = await call(
        'POST',
        `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments`,
        {
          serviceId: $('create-service').value,
          startDateTime: { dateTime: utc($('create-start').value), timeZone: 'UTC' },
          customers: [
            {
              name: $('create-name').value,
              emailAddress: $('create-email').value,
              customQuestionAnswers: formAnswers(),
            },
          ],
        },
      );
      say(`Created appointment ${created.id}.`);
    }),
  );
  $('change-form').addEventListener(
    'submit',
    act(async (event) => {
      event.preventDefault();
      const [mailbox, id] = $('change-appointment').value.split('|');
      if (!$('change-start').value) {
        say('Choose a new start to move the appointment.');
        return;
      }
      await call(
        'PATCH',
        `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments/${encodeURIComponent(id)}`,
        { startDateTime: { dateTime: utc($('change-start').value), timeZone: 'UTC' } },
      );
      say('Appointment moved.');
    }),
  );
  $('cancel-button').addEventListener(
    'click',
    act(async () => {
      const [mailbox, id] = $('change-appointment').value.split('|');
      if (!id) {
        say('Choose an appointment to cancel.');
        return;
      }
      await call(
        'POST',
        `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments/${encodeURIComponent(id)}/cancel`,
        { cancellationMessage: $('cancel-reason').value },
      );
      say('Appointment cancelled.');
    }),
  );

  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener(
      'click',
      act(() =>
        advance(
          { byMs: parseAmount(button.dataset.advance) },
          `by ${button.textContent.replace('+', '').trim()}`,
        ),
      ),
    );
  }
  $('advance-next').addEventListener(
    'click',
    act(() => {
      const next = state.clock?.nextTimerAt;
      if (!next) throw new Error('No retry or delay waits on the clock.');
      return advance({ to: next }, `to the next timer (${when(next)})`);
    }),
  );
  $('advance-form').addEventListener(
    'submit',
    act((event) => {
      event.preventDefault();
      const text = $('advance-by').value;
      const ms = parseAmount(text);
      if (ms === undefined || ms <= 0)
        throw new Error(`Advance by: "${text}" is not an amount such as 90s, 30m, 1h30m or 2d.`);
      if (ms > maxAdvanceMs) throw new Error('Advance by: at most a year (365d) at a time.');
      return advance({ byMs: ms }, `by ${spoken(ms)}`);
    }),
  );

  $('filters').addEventListener('input', applyFilters);
  $('filters').addEventListener('change', applyFilters);
  $('filters').addEventListener('reset', () => setTimeout(applyFilters));
  $('filters').addEventListener('submit', (event) => event.preventDefault());

  $('fault-target').addEventListener('change', showFaultFields);
  $('fault-action').addEventListener('change', showFaultFields);
  $('fault-form').addEventListener(
    'submit',
    act(async (event) => {
      event.preventDefault();
      const fault = faultFromForm();
      await call('POST', '/_emulator/faults', fault);
      await loadFaults();
      say(`Switched on: ${describeFault(fault)}.`);
    }),
  );
  $('faults-clear').addEventListener(
    'click',
    act(async () => {
      await call('DELETE', '/_emulator/faults');
      await loadFaults();
      say('Every fault is switched off.');
    }),
  );
  $('policies-defaults').addEventListener(
    'click',
    act(async () => {
      const defaults = Object.fromEntries(state.policies.map((policy) => [policy.name, policy.default]));
      setPolicies((await call('PUT', '/_emulator/policies', defaults)).policies);
      say('Every policy is back to its default.');
    }),
  );
}

// ---------------------------------------------------------------- start

function listen() {
  const events = new EventSource('/_emulator/events');
  events.addEventListener('delivery', (event) => onDeliveryEvent(JSON.parse(event.data)));
  events.addEventListener(
    'flows',
    act(() => Promise.all([loadFlows(), loadAppointments(), loadJournal()])),
  );
  events.addEventListener('appointments', act(loadAppointments));
  events.addEventListener('status', (event) => {
    const status = JSON.parse(event.data);
    setClock(status.clock);
    setFaults(status.faults);
    setPolicyValues(status.policies);
    // Retention removed deliveries this page still shows: the journal says which remain.
    if ((status.evictedDeliveries ?? 0) !== state.evicted) act(loadJournal)();
  });
  // On the first connection and after every reconnection: the journal may have moved on meanwhile.
  events.addEventListener(
    'open',
    act(async () => {
      say('Connected: deliveries appear here as they happen.');
      await loadJournal();
    }),
  );
  events.addEventListener('error', () => say('Lost the connection to the emulator; retrying…'));
}

async function start() {
  wireControls();
  showFaultFields();
  const directory = await call('GET', '/_emulator/businesses');
  state.businesses = directory.businesses;
  state.webhookLimit = directory.webhookLimit;
  fillSelect(
    $('create-mailbox'),
    state.businesses.map((business) => [business.email, `${business.displayName} (${business.email})`]),
  );
  fillSelect($('fault-mailbox'), [
    ['', 'any mailbox'],
    ...state.businesses.map((business) => [business.email, business.email]),
  ]);
  renderServices();
  await Promise.all([loadFlows(), loadPolicies(), loadAppointments(), loadFaults()]);
  setClock(await call('GET', '/_emulator/clock'));
  renderSummary();
  listen();
  setInterval(tick, SECOND);
}

start().catch((error) => say(`Could not load: ${error.message}`));
