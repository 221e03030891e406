-- Rabta core schema. Every row carries venue_id (so tables can later be
-- distributed by it); stages, roles and states are checked; WhatsApp ids are
-- unique where they must be.

CREATE TABLE venues (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL,
    phone_number_id text NOT NULL UNIQUE,
    time_zone       text NOT NULL DEFAULT 'Asia/Karachi',
    rr_last_staff   bigint,                   -- round-robin cursor (last staff assigned)
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Every WhatsApp user the venue has heard from or written to: clients and staff.
-- Known by phone (E.164), by business-scoped user id (BSUID), or both.
CREATE TABLE contacts (
    id              bigserial PRIMARY KEY,
    venue_id        bigint NOT NULL REFERENCES venues(id),
    phone           text,
    bsuid           text,
    profile_name    text,
    last_inbound_at timestamptz,              -- opens the 24-hour window
    unreachable     boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (phone IS NOT NULL OR bsuid IS NOT NULL),
    CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{6,14}$')
);
CREATE UNIQUE INDEX contacts_phone ON contacts (venue_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX contacts_bsuid ON contacts (venue_id, bsuid) WHERE bsuid IS NOT NULL;

CREATE TABLE staff (
    id               bigserial PRIMARY KEY,
    venue_id         bigint NOT NULL REFERENCES venues(id),
    contact_id       bigint REFERENCES contacts(id),
    name             text NOT NULL,
    phone            text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    role             text NOT NULL CHECK (role IN ('owner', 'sales', 'finance', 'admin')),
    lang             text NOT NULL DEFAULT 'ur' CHECK (lang IN ('ur', 'roman_ur', 'en')),
    active           boolean NOT NULL DEFAULT true,
    away             boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (venue_id, phone)
);
CREATE UNIQUE INDEX staff_name ON staff (venue_id, lower(name));

CREATE TABLE leads (
    id                  bigserial PRIMARY KEY,
    venue_id            bigint NOT NULL REFERENCES venues(id),
    contact_id          bigint REFERENCES contacts(id),
    name                text,
    phone               text CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{6,14}$'),
    source              text NOT NULL CHECK (source IN ('whatsapp', 'meta', 'walk_in', 'other')),
    campaign            text,
    leadgen_id          text,
    stage               text NOT NULL DEFAULT 'NEW' CHECK (stage IN ('NEW', 'CONTACTED',
                        'QUALIFIED', 'SITE_VISIT', 'QUOTED', 'NEGOTIATING', 'BOOKED', 'LOST')),
    assigned_staff_id   bigint REFERENCES staff(id),
    event_date          date,
    guests              integer CHECK (guests IS NULL OR guests BETWEEN 1 AND 100000),
    hall                text,
    slot                text CHECK (slot IS NULL OR slot IN ('lunch', 'dinner', 'full_day')),
    amount              bigint CHECK (amount IS NULL OR amount >= 0),
    visit_at            timestamptz,
    returning_of        bigint REFERENCES leads(id),
    invoice_booking_id  text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    greeted_at          timestamptz,
    greeting_latency_ms bigint,
    first_response_at   timestamptz,
    last_contact_at     timestamptz,
    stage_changed_at    timestamptz NOT NULL DEFAULT now(),
    reminded_at         timestamptz,             -- last 24 h stale reminder
    escalated_at        timestamptz              -- last 48 h escalation
);
-- One open lead per contact: a returning client after BOOKED/LOST opens a new one.
CREATE UNIQUE INDEX leads_open_contact ON leads (venue_id, contact_id)
    WHERE contact_id IS NOT NULL AND stage NOT IN ('BOOKED', 'LOST');
CREATE UNIQUE INDEX leads_leadgen ON leads (venue_id, leadgen_id) WHERE leadgen_id IS NOT NULL;
CREATE INDEX leads_assignee ON leads (venue_id, assigned_staff_id, stage);
CREATE INDEX leads_phone ON leads (venue_id, phone);
CREATE INDEX leads_name ON leads (venue_id, lower(name));
CREATE INDEX leads_created ON leads (venue_id, created_at);

CREATE TABLE stage_history (
    id         bigserial PRIMARY KEY,
    venue_id   bigint NOT NULL REFERENCES venues(id),
    lead_id    bigint NOT NULL REFERENCES leads(id),
    from_stage text,
    to_stage   text NOT NULL,
    staff_id   bigint REFERENCES staff(id),
    note       text,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stage_history_lead ON stage_history (lead_id, at);

-- Raw webhook events, one row per message / status / leadgen, deduplicated by key:
-- msg:<wamid>, st:<wamid>:<status>, lead:<leadgen_id>. Kept for audit and replay.
CREATE TABLE inbound_events (
    id              bigserial PRIMARY KEY,
    venue_id        bigint REFERENCES venues(id),
    source          text NOT NULL CHECK (source IN ('whatsapp', 'meta_leads', 'invoicing')),
    kind            text NOT NULL CHECK (kind IN ('message', 'status', 'leadgen', 'error',
                                                  'payment', 'other')),
    dedupe_key      text NOT NULL UNIQUE,
    phone_number_id text,
    payload         jsonb NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'done', 'failed', 'ignored')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    processed_at    timestamptz
);
CREATE INDEX inbound_events_pending ON inbound_events (next_attempt_at, id) WHERE state = 'pending';

-- Every message in and out, client and staff, with WhatsApp ids and delivery state.
CREATE TABLE messages (
    id            bigserial PRIMARY KEY,
    venue_id      bigint NOT NULL REFERENCES venues(id),
    lead_id       bigint REFERENCES leads(id),
    contact_id    bigint REFERENCES contacts(id),
    staff_id      bigint REFERENCES staff(id),
    direction     text NOT NULL CHECK (direction IN ('in', 'out')),
    party         text NOT NULL CHECK (party IN ('client', 'staff')),
    wamid         text,
    type          text NOT NULL,
    body          text,
    media_id      text,
    media_mime    text,
    context_wamid text,
    status        text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'queued',
                  'sent', 'delivered', 'read', 'failed')),
    status_at     timestamptz,
    error_code    integer,
    error_title   text,
    outbox_id     bigint,
    event_id      bigint REFERENCES inbound_events(id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX messages_wamid ON messages (venue_id, wamid) WHERE wamid IS NOT NULL;
CREATE INDEX messages_lead ON messages (lead_id, created_at);
CREATE INDEX messages_contact ON messages (contact_id, created_at);

-- Every send toward WhatsApp: committed with the change that decided it, then
-- posted by a sender worker with retries.
CREATE TABLE outbox (
    id               bigserial PRIMARY KEY,
    venue_id         bigint NOT NULL REFERENCES venues(id),
    contact_id       bigint REFERENCES contacts(id),
    recipient_phone  text,
    recipient_bsuid  text,
    lead_id          bigint REFERENCES leads(id),
    staff_id         bigint REFERENCES staff(id),      -- recipient when it is staff
    kind             text NOT NULL CHECK (kind IN ('text', 'template', 'mark_read')),
    body             text,
    context_wamid    text,
    template_name    text,
    template_lang    text,
    template_params  jsonb,
    fallback_params  jsonb,          -- template parameters if free text is refused (131047)
    automated        boolean NOT NULL DEFAULT false,  -- held back for clients who opted out
    coalesce_key     text,           -- forwards to one staff member merge while queued
    purpose          text,           -- greeting, forward, reply, notice, reminder ...
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending',
                     'sent', 'failed', 'cancelled', 'held', 'merged')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    wamid            text,
    error_code       integer,
    error_title      text,
    fell_back        boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    CHECK (recipient_phone IS NOT NULL OR recipient_bsuid IS NOT NULL OR kind = 'mark_read')
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_wamid ON outbox (wamid) WHERE wamid IS NOT NULL;
CREATE INDEX outbox_coalesce ON outbox (coalesce_key) WHERE state = 'pending';

CREATE TABLE jobs (
    id              bigserial PRIMARY KEY,
    venue_id        bigint REFERENCES venues(id),
    kind            text NOT NULL,
    payload         jsonb NOT NULL DEFAULT '{}',
    dedupe_key      text UNIQUE,
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0,
    run_at          timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    done_at         timestamptz
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'pending';

CREATE TABLE followups (
    id          bigserial PRIMARY KEY,
    venue_id    bigint NOT NULL REFERENCES venues(id),
    lead_id     bigint NOT NULL REFERENCES leads(id),
    staff_id    bigint REFERENCES staff(id),
    due_at      timestamptz NOT NULL,
    note        text,
    auto        boolean NOT NULL DEFAULT false,
    done_at     timestamptz,
    reminded_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX followups_due ON followups (venue_id, due_at) WHERE done_at IS NULL;

CREATE TABLE calendar_holds (
    id         bigserial PRIMARY KEY,
    venue_id   bigint NOT NULL REFERENCES venues(id),
    lead_id    bigint NOT NULL REFERENCES leads(id),
    event_date date NOT NULL,
    hall       text,
    slot       text CHECK (slot IS NULL OR slot IN ('lunch', 'dinner', 'full_day')),
    state      text NOT NULL CHECK (state IN ('tentative', 'confirmed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lead_id)
);
CREATE INDEX calendar_holds_date ON calendar_holds (venue_id, event_date);

CREATE TABLE payments (
    id          bigserial PRIMARY KEY,
    venue_id    bigint NOT NULL REFERENCES venues(id),
    lead_id     bigint NOT NULL REFERENCES leads(id),
    milestone   text NOT NULL CHECK (milestone IN ('advance', 'mid', 'final')),
    amount      bigint NOT NULL CHECK (amount >= 0),
    due_date    date,
    paid_at     timestamptz,
    status      text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'paid', 'partial')),
    source      text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'invoicing')),
    recorded_by bigint REFERENCES staff(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lead_id, milestone)
);

CREATE TABLE ai_log (
    id             bigserial PRIMARY KEY,
    venue_id       bigint REFERENCES venues(id),
    staff_id       bigint REFERENCES staff(id),
    text           text NOT NULL,
    engine         text NOT NULL,
    prompt_version text,
    model          text,
    raw_output     text,
    intent         text,
    slots          jsonb,
    confidence     real,
    latency_ms     integer,
    tokens_in      integer,
    tokens_out     integer,
    fallback       text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_log_created ON ai_log (venue_id, created_at);

CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    venue_id bigint REFERENCES venues(id),
    staff_id bigint REFERENCES staff(id),
    action   text NOT NULL,
    lead_id  bigint REFERENCES leads(id),
    detail   jsonb,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_lead ON audit_log (lead_id, at);

CREATE TABLE opt_outs (
    venue_id      bigint NOT NULL REFERENCES venues(id),
    contact_id    bigint NOT NULL REFERENCES contacts(id),
    opted_out_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (venue_id, contact_id)
);

-- Per staff member: the lead they are "on", a pending question, a pending choice,
-- and the paging cursor of the last list.
CREATE TABLE conversation_state (
    staff_id        bigint PRIMARY KEY REFERENCES staff(id),
    venue_id        bigint NOT NULL REFERENCES venues(id),
    current_lead_id bigint REFERENCES leads(id),
    pending         jsonb,
    pending_expires timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Small shared settings between processes (e.g. a Gemini cool-down).
CREATE TABLE app_state (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
