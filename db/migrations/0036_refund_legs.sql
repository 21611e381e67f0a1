-- A refund of a sale paid in parts whose wallet share spans several wallet payments (issue 18: ¥60 WeChat + ¥40
-- Alipay refunded as a whole) is ONE refund made of LEGS: a refund row per wallet payment it goes back to, each with
-- its own refund request number, job and status, exactly as a one-payment refund, sent one after another (leg 1
-- first, the next once the one before is refunded). They share refund_group, the id of leg 1 (the refund's id as the
-- till shows it). The refund's lines and any cash part sit on its LAST leg, so stock comes back and cash is handed
-- back once every wallet leg went through; each leg counts under its own tender in the day's totals and is its own
-- fact, so a store server of before this version sums them right. Every refund before this version is one leg: its
-- own group, leg 1.
ALTER TABLE refund ADD COLUMN refund_group TEXT;
ALTER TABLE refund ADD COLUMN leg_no INTEGER CHECK ((leg_no IS NULL) = (refund_group IS NULL) AND (leg_no IS NULL OR leg_no >= 1));
UPDATE refund SET refund_group = id, leg_no = 1;
CREATE UNIQUE INDEX refund_group_leg ON refund (refund_group, leg_no) WHERE refund_group IS NOT NULL;

-- A sale is voided at most once: one void (its legs, one per wallet payment) per sale, whatever became of it.
DROP INDEX refund_one_void_per_sale;
CREATE UNIQUE INDEX refund_one_void_per_sale ON refund (sale_id, coalesce(leg_no, 1)) WHERE is_void = 1;
CREATE TRIGGER refund_void_legs_of_one_group BEFORE INSERT ON refund WHEN NEW.is_void = 1
BEGIN
  SELECT RAISE(ABORT, 'a sale is voided at most once')
   WHERE EXISTS (SELECT 1 FROM refund WHERE sale_id = NEW.sale_id AND is_void = 1 AND refund_group IS NOT coalesce(NEW.refund_group, NEW.id));
END;
