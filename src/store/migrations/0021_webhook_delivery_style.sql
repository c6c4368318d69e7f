-- Where and how an event is delivered (docs/webhooks.md, "Delivery styles"): a target URL of its
-- own instead of the app's webhook URL, and the style: 'standard' (Standard Webhooks headers) or
-- 'airudder' (X-AIRudder-Sign, retried every 60 s at most 5 times, as spec/chatbot-api.md §1).
ALTER TABLE webhook_events
  ADD COLUMN target_url text,
  ADD COLUMN delivery_style text NOT NULL DEFAULT 'standard'
    CHECK (delivery_style IN ('standard', 'airudder'));
