-- Built-in demo robots, one per business line, usable by every app (app_id NULL).
-- A minimal script: the lines the robot says and the labels it gives. The full dialogue engine
-- replaces this format with versioned robot definitions.
INSERT INTO robots (id, app_id, name, business_line, language, script) VALUES
(4496, NULL, 'Demo_Collection_EN', 'collection', 'en', '{
  "opening": "Hello, this is Hannah calling from {platform_name}. Am I speaking with {callee_name}?",
  "body": "Your loan of {total_owing_amount} {currency_unit} was due on {due_date}. When will you be able to pay?",
  "closing": "Thank you, we have noted your promise to pay. Goodbye!",
  "labels": {
    "completed": {"intention": "A", "description": "Promise to pay"},
    "hung_up": {"intention": "E", "description": "Hung up during the call"},
    "not_connected": {"intention": "F", "description": "Not connected"}
  }
}'),
(4497, NULL, 'Demo_Order_Confirmation_EN', 'telemarketing', 'en', '{
  "opening": "Hello {callee_name}, this is Hannah from {platform_name}. We are calling to confirm your order.",
  "body": "You have placed an order via our website. Is the information correct?",
  "closing": "Thank you, your order is confirmed and will be delivered soon. Goodbye!",
  "labels": {
    "completed": {"intention": "A", "description": "Order confirmed"},
    "hung_up": {"intention": "E", "description": "Hung up during the call"},
    "not_connected": {"intention": "F", "description": "Not connected"}
  }
}'),
(4498, NULL, 'Demo_Info_Check_EN', 'info_check', 'en', '{
  "opening": "Hello, this is Hannah from {platform_name}. We need to verify some information for {callee_name}.",
  "body": "Please confirm your full name.",
  "closing": "Thank you, your information has been verified. Goodbye!",
  "labels": {
    "completed": {"intention": "A", "description": "Information verified"},
    "hung_up": {"intention": "E", "description": "Hung up during the call"},
    "not_connected": {"intention": "F", "description": "Not connected"}
  }
}');
