-- The central's schema v16 as its program created it (postgresql).
-- Frozen: what metadata.create_all of sync/central/schema.py emitted at commit d34ef8b.

CREATE TABLE schema_version (
	version INTEGER NOT NULL, 
	applied_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (version)
);

CREATE TABLE meta (
	key VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (key)
);

CREATE TABLE stores (
	store_id VARCHAR(32) NOT NULL, 
	name_zh VARCHAR(200) NOT NULL, 
	name_en VARCHAR(200) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	group_id VARCHAR(64) DEFAULT '' NOT NULL, 
	latitude_e6 BIGINT, 
	longitude_e6 BIGINT, 
	PRIMARY KEY (store_id)
);

CREATE TABLE terminal_gaps (
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	first_seq BIGINT NOT NULL, 
	last_seq BIGINT NOT NULL, 
	detected_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (store_id, terminal_id, first_seq)
);

CREATE TABLE enrol_failures (
	id BIGSERIAL NOT NULL, 
	address VARCHAR(64) NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX enrol_failures_address ON enrol_failures (address, at);

CREATE TABLE feed_head (
	id INTEGER NOT NULL, 
	last_seq BIGINT NOT NULL, 
	low_water BIGINT NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT feed_head_one_row CHECK (id = 1)
);

CREATE TABLE changes (
	seq BIGINT NOT NULL, 
	entity VARCHAR(32) NOT NULL, 
	op VARCHAR(8) NOT NULL, 
	key VARCHAR(128) NOT NULL, 
	store_id VARCHAR(32), 
	data TEXT, 
	changed_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (seq), 
	CONSTRAINT changes_op CHECK (op IN ('upsert', 'delete'))
);

CREATE INDEX changes_store_seq ON changes (store_id, seq);

CREATE TABLE entities (
	entity VARCHAR(32) NOT NULL, 
	key VARCHAR(128) NOT NULL, 
	scope VARCHAR(32) NOT NULL, 
	parent VARCHAR(128), 
	data TEXT NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (entity, key)
);

CREATE INDEX entities_parent ON entities (entity, parent);

CREATE INDEX entities_scope ON entities (entity, scope);

CREATE TABLE entity_uniques (
	entity VARCHAR(32) NOT NULL, 
	value VARCHAR(160) NOT NULL, 
	key VARCHAR(128) NOT NULL, 
	PRIMARY KEY (entity, value)
);

CREATE INDEX entity_uniques_key ON entity_uniques (entity, key);

CREATE TABLE stock_movements (
	id BIGSERIAL NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	product_id BIGINT NOT NULL, 
	qty_delta BIGINT NOT NULL, 
	reason VARCHAR(32) NOT NULL, 
	event_id UUID, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX stock_movements_event ON stock_movements (event_id);

CREATE INDEX stock_movements_level ON stock_movements (store_id, product_id);

CREATE TABLE events (
	event_id UUID NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	terminal_seq BIGINT NOT NULL, 
	type VARCHAR(32) NOT NULL, 
	occurred_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	payload TEXT NOT NULL, 
	received_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	effects VARCHAR(8) NOT NULL, 
	PRIMARY KEY (event_id)
);

CREATE INDEX events_store_time ON events (store_id, occurred_at);

CREATE INDEX events_terminal_seq ON events (store_id, terminal_id, terminal_seq);

CREATE TABLE quarantine (
	id BIGSERIAL NOT NULL, 
	event_id VARCHAR(64), 
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	raw TEXT NOT NULL, 
	reason TEXT NOT NULL, 
	received_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	attempts INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (event_id)
);

CREATE TABLE exceptions (
	id BIGSERIAL NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32), 
	event_id UUID, 
	detail TEXT NOT NULL, 
	status VARCHAR(8) NOT NULL, 
	comment TEXT NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	resolved_at TIMESTAMP WITH TIME ZONE, 
	resolved_by VARCHAR(64), 
	incident_key VARCHAR(200), 
	count BIGINT DEFAULT '1' NOT NULL, 
	last_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT exceptions_status CHECK (status IN ('open', 'resolved'))
);

CREATE INDEX exceptions_open ON exceptions (status, store_id);

CREATE UNIQUE INDEX exceptions_incident_open ON exceptions (store_id, incident_key) WHERE status = 'open';

CREATE INDEX exceptions_event ON exceptions (event_id);

CREATE TABLE parked_sales (
	park_id UUID NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	staff_id INTEGER, 
	label VARCHAR(64) NOT NULL, 
	currency VARCHAR(3) NOT NULL, 
	total BIGINT NOT NULL, 
	lines INTEGER NOT NULL, 
	cart TEXT NOT NULL, 
	parked_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	received_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	state VARCHAR(8) NOT NULL, 
	claimed_by VARCHAR(32), 
	claimed_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (park_id), 
	CONSTRAINT parked_sales_state CHECK (state IN ('parked', 'claimed'))
);

CREATE INDEX parked_sales_open ON parked_sales (store_id, state, parked_at);

CREATE TABLE return_lines (
	id BIGSERIAL NOT NULL, 
	source_kind VARCHAR(8) NOT NULL, 
	source_ref VARCHAR(64) NOT NULL, 
	line_id INTEGER NOT NULL, 
	qty BIGINT NOT NULL, 
	amount BIGINT NOT NULL, 
	state VARCHAR(8) NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	reservation_id UUID, 
	event_id UUID, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT return_lines_state CHECK (state IN ('reserved', 'returned'))
);

CREATE INDEX return_lines_source ON return_lines (source_kind, source_ref);

CREATE INDEX return_lines_reservation ON return_lines (reservation_id);

CREATE INDEX return_lines_event ON return_lines (event_id);

CREATE TABLE refund_tenders (
	id BIGSERIAL NOT NULL, 
	event_id UUID NOT NULL, 
	source_kind VARCHAR(8) NOT NULL, 
	source_ref VARCHAR(64) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	reference VARCHAR(128) NOT NULL, 
	amount BIGINT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX refund_tenders_source ON refund_tenders (source_kind, source_ref);

CREATE TABLE refund_requests (
	id BIGSERIAL NOT NULL, 
	event_id UUID NOT NULL, 
	order_no VARCHAR(64) NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	currency VARCHAR(3) NOT NULL, 
	amount BIGINT NOT NULL, 
	payment_reference VARCHAR(128) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	done_at TIMESTAMP WITH TIME ZONE, 
	decided_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT refund_requests_status CHECK (status IN ('requested', 'done', 'held', 'refused'))
);

CREATE INDEX refund_requests_open ON refund_requests (status, id);

CREATE TABLE points_ledger (
	id BIGSERIAL NOT NULL, 
	member_id BIGINT NOT NULL, 
	delta BIGINT NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	source_kind VARCHAR(8) NOT NULL, 
	source_ref VARCHAR(64) NOT NULL, 
	base BIGINT NOT NULL, 
	event_id UUID, 
	store_id VARCHAR(32), 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX points_ledger_source ON points_ledger (source_kind, source_ref);

CREATE INDEX points_ledger_member ON points_ledger (member_id, id);

CREATE TABLE member_personal (
	member_id BIGINT NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	phone VARCHAR(32), 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (member_id)
);

CREATE TABLE member_stores (
	member_id BIGINT NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	home INTEGER NOT NULL, 
	reason VARCHAR(8) NOT NULL, 
	last_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (member_id, store_id)
);

CREATE INDEX member_stores_due ON member_stores (home, last_at);

CREATE INDEX member_stores_store ON member_stores (store_id, member_id);

CREATE TABLE member_consents (
	id BIGSERIAL NOT NULL, 
	member_id BIGINT NOT NULL, 
	purpose VARCHAR(16) NOT NULL, 
	text_version VARCHAR(64) NOT NULL, 
	given_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	given_channel VARCHAR(8) NOT NULL, 
	given_store_id VARCHAR(32), 
	given_event_id UUID, 
	withdrawn_at TIMESTAMP WITH TIME ZONE, 
	withdrawn_channel VARCHAR(8), 
	withdrawn_store_id VARCHAR(32), 
	withdrawn_event_id UUID, 
	PRIMARY KEY (id), 
	CONSTRAINT member_consents_purpose CHECK (purpose IN ('membership', 'marketing'))
);

CREATE INDEX member_consents_member ON member_consents (member_id, id);

CREATE UNIQUE INDEX member_consents_in_force ON member_consents (purpose, member_id) WHERE withdrawn_at IS NULL;

CREATE TABLE member_erasures (
	member_no VARCHAR(64) NOT NULL, 
	member_id BIGINT, 
	erased_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	reason VARCHAR(16) NOT NULL, 
	requested_via VARCHAR(64) NOT NULL, 
	removed TEXT NOT NULL, 
	PRIMARY KEY (member_no)
);

CREATE INDEX member_erasures_time ON member_erasures (erased_at);

CREATE TABLE member_activity (
	member_id BIGINT NOT NULL, 
	last_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (member_id)
);

CREATE INDEX member_activity_due ON member_activity (last_at);

CREATE TABLE member_orders (
	member_id BIGINT NOT NULL, 
	order_no VARCHAR(64) NOT NULL, 
	PRIMARY KEY (member_id, order_no)
);

CREATE TABLE order_personal (
	order_no VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	phone VARCHAR(32), 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (order_no)
);

CREATE TABLE audit_records (
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	id BIGINT NOT NULL, 
	at VARCHAR(40) NOT NULL, 
	staff_id BIGINT, 
	approved_by BIGINT, 
	action VARCHAR(64) NOT NULL, 
	detail TEXT NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	received_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (store_id, terminal_id, id)
);

CREATE TABLE coupon_redemptions (
	code VARCHAR(64) NOT NULL, 
	promotion_id VARCHAR(64), 
	store_id VARCHAR(32), 
	terminal_id VARCHAR(32), 
	receipt_no VARCHAR(64), 
	event_id UUID, 
	redeemed_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	channel VARCHAR(64), 
	order_no VARCHAR(64), 
	PRIMARY KEY (code)
);

CREATE TABLE channel_keys (
	id VARCHAR(16) NOT NULL, 
	name VARCHAR(32) NOT NULL, 
	key_hash VARCHAR(64) NOT NULL, 
	scopes VARCHAR(200) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	revoked_at TIMESTAMP WITH TIME ZONE, 
	last_used_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX channel_keys_name ON channel_keys (name);

CREATE TABLE channel_orders (
	order_no VARCHAR(64) NOT NULL, 
	channel_id VARCHAR(16) NOT NULL, 
	PRIMARY KEY (order_no)
);

CREATE TABLE channel_points (
	holder VARCHAR(64) NOT NULL, 
	request_id UUID NOT NULL, 
	member_id BIGINT NOT NULL, 
	points BIGINT NOT NULL, 
	order_no VARCHAR(64), 
	balance BIGINT NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (holder, request_id)
);

CREATE TABLE pickup_code_attempts (
	order_no VARCHAR(64) NOT NULL, 
	failures INTEGER NOT NULL, 
	last_store_id VARCHAR(32) NOT NULL, 
	last_terminal_id VARCHAR(32) NOT NULL, 
	last_failure_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	locked_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (order_no)
);

CREATE TABLE member_lookup_counts (
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	minute_from TIMESTAMP WITH TIME ZONE NOT NULL, 
	minute_count INTEGER NOT NULL, 
	day VARCHAR(10) NOT NULL, 
	day_count INTEGER NOT NULL, 
	day_refused INTEGER NOT NULL, 
	PRIMARY KEY (store_id, terminal_id)
);

CREATE TABLE safety_stock (
	kind VARCHAR(8) NOT NULL, 
	ref VARCHAR(64) NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	qty BIGINT NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (kind, ref, store_id), 
	CONSTRAINT safety_stock_kind CHECK (kind IN ('product', 'category', 'store'))
);

CREATE TABLE reservations (
	reservation_id UUID NOT NULL, 
	holder VARCHAR(200) NOT NULL, 
	request_id UUID NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	status VARCHAR(12) NOT NULL, 
	order_no VARCHAR(64), 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	ended_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (reservation_id), 
	CONSTRAINT reservations_status CHECK (status IN ('held', 'confirmed', 'released', 'expired'))
);

CREATE UNIQUE INDEX reservations_request ON reservations (holder, request_id);

CREATE INDEX reservations_due ON reservations (status, expires_at);

CREATE TABLE terminals (
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	revoked_at TIMESTAMP WITH TIME ZONE, 
	high_seq BIGINT NOT NULL, 
	last_event_at TIMESTAMP WITH TIME ZONE, 
	new_token_hash VARCHAR(64), 
	PRIMARY KEY (store_id, terminal_id), 
	FOREIGN KEY(store_id) REFERENCES stores (store_id), 
	UNIQUE (token_hash)
);

CREATE UNIQUE INDEX terminals_new_token ON terminals (new_token_hash);

CREATE TABLE enrolment_codes (
	code_hash VARCHAR(64) NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	used_at TIMESTAMP WITH TIME ZONE, 
	terminal_id VARCHAR(32), 
	request_id VARCHAR(36), 
	token_hash VARCHAR(64), 
	PRIMARY KEY (code_hash), 
	FOREIGN KEY(store_id) REFERENCES stores (store_id)
);

CREATE TABLE stock_levels (
	store_id VARCHAR(32) NOT NULL, 
	product_id BIGINT NOT NULL, 
	qty BIGINT NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	held BIGINT DEFAULT '0' NOT NULL, 
	PRIMARY KEY (store_id, product_id), 
	FOREIGN KEY(store_id) REFERENCES stores (store_id)
);

CREATE INDEX stock_levels_product ON stock_levels (product_id);

CREATE TABLE sales (
	event_id UUID NOT NULL, 
	store_id VARCHAR(32) NOT NULL, 
	terminal_id VARCHAR(32) NOT NULL, 
	receipt_no VARCHAR(64) NOT NULL, 
	staff_id BIGINT, 
	member_id BIGINT, 
	completed_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	currency VARCHAR(3) NOT NULL, 
	subtotal BIGINT NOT NULL, 
	discount_total BIGINT NOT NULL, 
	tax_total BIGINT NOT NULL, 
	rounding BIGINT NOT NULL, 
	total BIGINT NOT NULL, 
	lines INTEGER NOT NULL, 
	PRIMARY KEY (event_id), 
	FOREIGN KEY(event_id) REFERENCES events (event_id)
);

CREATE INDEX sales_receipt ON sales (store_id, receipt_no);

CREATE INDEX sales_member ON sales (member_id);

CREATE INDEX sales_day ON sales (store_id, completed_at);

CREATE TABLE exception_events (
	id BIGSERIAL NOT NULL, 
	exception_id BIGINT NOT NULL, 
	event_id UUID NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(exception_id) REFERENCES exceptions (id)
);

CREATE UNIQUE INDEX exception_events_pair ON exception_events (exception_id, event_id);

CREATE INDEX exception_events_event ON exception_events (event_id);

CREATE TABLE reservation_lines (
	reservation_id UUID NOT NULL, 
	line_id BIGINT NOT NULL, 
	product_id BIGINT NOT NULL, 
	sku VARCHAR(64) NOT NULL, 
	qty BIGINT NOT NULL, 
	PRIMARY KEY (reservation_id, line_id), 
	FOREIGN KEY(reservation_id) REFERENCES reservations (reservation_id)
);
