import json
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import scoring


class CustomerTieringNightly(models.AbstractModel):
    """What the nightly run leaves behind: history, credit reviews, notes, activities."""

    _inherit = "customer.tiering.nightly"

    def _log_tier_changes(self, company, changes):
        """History rows for every change, a chatter note for every change of an existing tier."""
        if not changes:
            return
        # the chatter notes are shared: in the company's language, not the nightly run's
        env = self._company_language(company)
        labels = self._tier_labels(env)
        history, notes = [], {}
        now = fields.Datetime.now()
        for pid, old_tier, new, result in changes:
            history.append(
                {
                    "partner_id": pid,
                    "company_id": company.id,
                    "date": now,
                    "old_tier": old_tier,
                    "new_tier": new["customer_tier"],
                    "current_score": result.current_score,
                    "potential_score": result.potential_score,
                    "rising": result.rising,
                    "change": scoring.tier_change(old_tier, new["customer_tier"]) or "initial",
                    "origin": "automatic",
                    "user_id": self.env.uid,
                }
            )
            if old_tier:  # a first grading is history, not news
                notes[pid] = self.with_env(env)._tier_change_body(company, old_tier, new, labels)
        self._insert_rows("customer.tier.history", history)
        self._post_batch_notes(notes)

    def _log_credit_changes(self, company, grade_changes, written):
        """A credit-file entry per grade change, a chatter note when a known grade moves."""
        if not grade_changes:
            return
        reviews, notes = [], {}
        today = fields.Date.context_today(self)
        for pid, old_grade, facts, result in grade_changes:
            new = written[pid]
            reviews.append(
                {
                    "partner_id": pid,
                    "company_id": company.id,
                    "date": today,
                    "reviewer_id": self.env.uid,
                    "origin": "automatic",
                    "state": "done",
                    "old_grade": old_grade,
                    "grade": result.grade,
                    "score": result.score,
                    "paydex": result.paydex or 0.0,
                    "dso": result.dso or 0.0,
                    "overdue_share": result.overdue_share,
                    "open_amount": facts.open_amount,
                    "suggested_limit": new["credit_suggested_limit"],
                    "has_statements": False,
                }
            )
            if old_grade:
                notes[pid] = Markup("<p>%s</p>") % self._company_language(company)._(
                    "Credit grade (%(company)s): %(old)s → %(new)s — score %(score).1f, "
                    "suggested limit %(limit).0f.",
                    company=company.name,
                    old=old_grade,
                    new=result.grade,
                    score=result.score,
                    limit=new["credit_suggested_limit"],
                )
        self._insert_rows("customer.credit.review", reviews)
        self._post_batch_notes(notes)

    @api.model
    def _insert_rows(self, model_name, rows):
        """One INSERT for many rows of a plain model of ours (no ORM side effect to run)."""
        if not rows:
            return
        model = self.env[model_name]
        # False is Odoo's "empty" for any field, but a JSON false only fits a boolean
        empty = [name for name in rows[0] if model._fields[name].type != "boolean"]
        for row in rows:
            for name in empty:
                if row[name] is False:
                    row[name] = None
        self._insert_table_rows(model._table, rows)
        model.invalidate_model()

    @api.model
    def _insert_table_rows(self, table, rows):
        """INSERT ``rows`` (dicts with the same keys; None for empty) into ``table``.

        The rows travel as one JSON array that PostgreSQL turns into the table's row
        type: building a VALUES list value by value costs more than the insert.
        """
        now, uid = fields.Datetime.to_string(fields.Datetime.now()), self.env.uid
        magic = {"create_uid": uid, "create_date": now, "write_uid": uid, "write_date": now}
        columns = SQL(", ").join(SQL.identifier(name) for name in [*rows[0], *magic])
        self.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s (%(columns)s)
                   SELECT %(columns)s FROM json_populate_recordset(NULL::%(table)s, %(rows)s)""",
                table=SQL.identifier(table),
                columns=columns,
                rows=json.dumps([{**row, **magic} for row in rows], default=str),
            )
        )

    @api.model
    def _post_batch_notes(self, bodies):
        """Log notes on many partners in one create, with what mail.message would
        otherwise look up one record at a time (reply-to, record name)."""
        if not bodies:
            return
        # names and reply-to of every graded customer, whichever the user may read
        partners = self.env["res.partner"].browse(list(bodies)).sudo()
        author = self.env.user.partner_id
        reply_to = partners._notify_get_reply_to(default=author.email_formatted)
        note = self.env.ref("mail.mt_note")
        # notes are posted by the run, not under the user's rights on each partner
        self.env["mail.message"].sudo().create(
            [
                {
                    "model": "res.partner",
                    "res_id": partner.id,
                    "message_type": "notification",
                    "subtype_id": note.id,
                    "author_id": author.id,
                    "email_from": author.email_formatted,
                    "reply_to": reply_to[partner.id],
                    "record_name": partner.display_name,
                    "body": bodies[partner.id],
                }
                for partner in partners
            ]
        )

    def _tier_change_body(self, company, old_tier, new, labels):
        return Markup("<p>%s</p>") % self.env._(
            "Customer tier (%(company)s): %(old)s → %(new)s%(rising)s — current value %(current).1f, "
            "potential value %(potential).1f.",
            company=company.name,
            old=labels.get(old_tier, self.env._("none")),
            new=labels[new["customer_tier"]],
            rising=self.env._(" (rising)") if new["tier_rising"] else "",
            current=new["tier_current_score"],
            potential=new["tier_potential_score"],
        )

    @api.model
    def _tier_activity_types(self):
        return {
            "assign": self.env.ref("customer_tiering.mail_activity_type_assign_manager"),
            "contact": self.env.ref("customer_tiering.mail_activity_type_platinum_contact"),
            "change": self.env.ref("customer_tiering.mail_activity_type_tier_change"),
            "win_back": self.env.ref("customer_tiering.mail_activity_type_win_back"),
        }

    def _open_activity_pairs(self, partners, activity_types):
        """(partner id, activity type id) of the open activities of these types:
        a customer never gets a second one of a kind while one is open."""
        return set(
            self.env.execute_query(
                SQL(
                    """SELECT res_id, activity_type_id FROM mail_activity
                        WHERE res_model = 'res.partner' AND res_id = ANY(%s)
                          AND activity_type_id = ANY(%s)""",
                    partners.ids,
                    [activity_type.id for activity_type in activity_types],
                )
            )
        )

    def _company_language(self, company):
        """An environment in the company's language, for the texts all its users share."""
        return self.with_context(lang=company.partner_id.lang or self.env.lang).env

    def _user_languages(self):
        """``env_of(user_id)``: an environment in that user's language, for the texts
        stored for them (the nightly run's own language is nobody's)."""
        langs, envs = {}, {}

        def env_of(user_id):
            if user_id not in langs:
                langs[user_id] = self.env["res.users"].browse(user_id).lang or self.env.lang
            lang = langs[user_id]
            if lang not in envs:
                envs[lang] = self.with_context(lang=lang).env
            return envs[lang]

        return env_of

    def _tier_labels(self, env):
        """{tier: label} in the language of ``env``."""
        field = self.env["res.partner"]._fields["customer_tier"]
        return dict(field._description_selection(env))

    def _schedule_tier_activities(self, partners, policy, previous, written, today):
        """Service by tier and win-back, one create for the batch."""
        types = self._tier_activity_types()
        open_pairs = self._open_activity_pairs(partners, types.values())
        manager = policy.tier_manager_id or self.env.user
        model_id = self.env["ir.model"]._get_id("res.partner")
        # each summary in its assignee's language
        env_of = self._user_languages()
        contact_days = policy.platinum_contact_days
        todo = []

        def add(pid, kind, user, summary, days=0):
            if (pid, types[kind].id) in open_pairs or not user:
                return
            open_pairs.add((pid, types[kind].id))
            todo.append(
                {
                    "res_model_id": model_id,
                    "res_id": pid,
                    "activity_type_id": types[kind].id,
                    "user_id": user,
                    "summary": summary,
                    "date_deadline": today + timedelta(days=days),
                }
            )

        for pid, old in previous.items():
            new = written.get(pid, old["row"])
            user = old["user_id"]
            if new["customer_tier"] == "platinum":
                if not user:
                    add(
                        pid,
                        "assign",
                        manager.id,
                        env_of(manager.id)._("Assign an account manager to this platinum customer"),
                    )
                else:
                    summary = env_of(user)._("Proactive contact (platinum)")
                    add(pid, "contact", user, summary, contact_days)
            if pid in written:
                change = scoring.tier_change(old["row"]["customer_tier"], new["customer_tier"])
                if change:
                    env = env_of(user)
                    labels = self._tier_labels(env)
                    add(
                        pid,
                        "change",
                        user,
                        env._("Tier %(change)s: %(old)s → %(new)s")
                        % {
                            "change": env._("promotion")
                            if change == "promotion"
                            else env._("demotion"),
                            "old": labels[old["row"]["customer_tier"]],
                            "new": labels[new["customer_tier"]],
                        },
                    )
                elif new["tier_rising"] and not old["row"]["tier_rising"]:
                    add(
                        pid, "change", user, env_of(user)._("Rising customer: high potential value")
                    )
                became_lost = new["customer_activity_status"] == "lost"
                if became_lost and old["row"]["customer_activity_status"] != "lost":
                    winner = user or manager.id
                    add(pid, "win_back", winner, env_of(winner)._("Win back this lost customer"))
        self._create_activities(todo)

    @api.model
    def _credit_activity_types(self):
        return {
            "collection": self.env.ref("customer_tiering.mail_activity_type_collection"),
            "review": self.env.ref("customer_tiering.mail_activity_type_credit_review"),
        }

    def _schedule_credit_activities(self, partners, policy, previous, credit_facts, written, today):
        """Collection by the oldest overdue bucket and reviews falling due, one create."""
        types = self._credit_activity_types()
        open_pairs = self._open_activity_pairs(partners, types.values())
        collection, review = types["collection"].id, types["review"].id
        fallback = self.env.uid
        model_id = self.env["ir.model"]._get_id("res.partner")
        symbol = policy.company_id.currency_id.symbol
        # each summary in its assignee's language
        env_of = self._user_languages()
        # the policy's users read once for the batch, not once per customer
        bands = (
            (policy.collection_user_over_90_id.id or fallback, lambda env: env._("over 90 days")),
            (policy.collection_user_31_90_id.id or fallback, lambda env: env._("31–90 days")),
            (None, lambda env: env._("1–30 days")),  # the customer's own account manager
        )
        reviewer = policy.credit_reviewer_id.id or fallback
        deadline = today.isoformat()
        todo = []
        for pid, facts in credit_facts.items():
            old = previous[pid]
            up_to_30, up_to_90, over_90 = facts.overdue_bands
            band = 0 if over_90 > 0 else 1 if up_to_90 > 0 else 2 if up_to_30 > 0 else None
            if band is not None and (pid, collection) not in open_pairs:
                user, bucket_of = bands[band]
                user = user or old["user_id"] or fallback
                amount = (over_90, up_to_90, up_to_30)[band]
                env = env_of(user)
                todo.append(
                    {
                        "res_model_id": model_id,
                        "res_id": pid,
                        "activity_type_id": collection,
                        "user_id": user,
                        # plain formatting: currency.format looks the language up per call
                        "summary": env._("Collect %(amount)s overdue %(bucket)s")
                        % {"amount": f"{symbol} {amount:,.2f}", "bucket": bucket_of(env)},
                        "date_deadline": today,
                    }
                )
            due = written.get(pid, old["row"])["credit_review_due"]
            if due and due <= deadline and (pid, review) not in open_pairs:
                todo.append(
                    {
                        "res_model_id": model_id,
                        "res_id": pid,
                        "activity_type_id": review,
                        "user_id": reviewer,
                        "summary": env_of(reviewer)._("Credit review due"),
                        "date_deadline": today,
                    }
                )
        self._create_activities(todo)

    @api.model
    def _create_activities(self, todo):
        """Schedule the run's activities on customers: one INSERT for all of them.

        What ``mail.activity.create`` does one ORM record at a time, done set-wise
        (a first grading schedules thousands): the record names and assignees'
        zones it computes, each assignee following the customer with the default
        subtypes (as ``message_subscribe``), the assignees' activity counters told.
        No "assigned to you" e-mail, as with ``mail_activity_quick_update``.
        ``todo``: dicts of res_model_id (res.partner's), res_id, activity_type_id,
        user_id, summary and date_deadline.
        """
        if not todo:
            return
        # the run reads every customer's name and assignee's zone, whoever started it
        partners = self.env["res.partner"].browse({values["res_id"] for values in todo}).sudo()
        # what mail.activity stores as the record name; the stored complete name
        # is the display name of a customer, and costs no computation
        # (only that field: reading a partner loads every column of thousands of them)
        partners.fetch(["complete_name"])
        names = {partner.id: partner.complete_name or partner.display_name for partner in partners}
        # assignees' zones and partners, which the user who started the run may not read
        users = self.env["res.users"].sudo().browse({values["user_id"] for values in todo})
        zones = {user.id: user.tz or None for user in users}  # JSON null, not false
        self.env["mail.activity"].flush_model()
        self._insert_table_rows(
            "mail_activity",
            [
                {
                    **values,
                    "res_model": "res.partner",
                    "res_name": names[values["res_id"]],
                    "user_tz": zones[values["user_id"]],
                    "automated": False,
                    "active": True,
                }
                for values in todo
            ],
        )
        assignees = {user.id: user.partner_id.id for user in users}
        self._follow_customers(
            {(values["res_id"], assignees[values["user_id"]]) for values in todo}
        )
        self.env["mail.activity"].invalidate_model()
        partners.invalidate_recordset()
        today = fields.Date.context_today(self)
        due = {values["user_id"] for values in todo if values["date_deadline"] <= today}
        users.filtered(lambda user: user.id in due)._bus_send(
            "mail.activity/updated", {"activity_created": True}
        )

    @api.model
    def _follow_customers(self, pairs):
        """(customer id, partner id) pairs made followers, as ``message_subscribe``
        does for a new one: with the default subtypes of an internal user."""
        subtypes = self.env["mail.message.subtype"].default_subtypes("res.partner")[0]
        self.env["mail.followers"].flush_model()
        customers, followers = zip(*sorted(pairs))
        # PostgreSQL checks each new subtype row's follower with a plan it keeps for
        # the connection, made at its first uses: while mail_followers was near
        # empty (a new database, or followers just deleted and vacuumed) that plan
        # scans the table, and each check then reads every follower added so far,
        # quadratic over a first grading.  Forgotten here, it is made again once
        # this statement's followers are in the table.
        self.env.cr.execute("DISCARD PLANS")
        self.env.cr.execute(
            SQL(
                """WITH new AS (
                       INSERT INTO mail_followers (res_model, res_id, partner_id)
                       SELECT 'res.partner', pair.res_id, pair.partner_id
                         FROM unnest(%s::int[], %s::int[]) AS pair(res_id, partner_id)
                           ON CONFLICT DO NOTHING
                    RETURNING id
                   )
                   INSERT INTO mail_followers_mail_message_subtype_rel
                          (mail_followers_id, mail_message_subtype_id)
                   SELECT new.id, subtype.id FROM new, unnest(%s::int[]) AS subtype(id)""",
                list(customers),
                list(followers),
                subtypes.ids,
            )
        )
        self.env["mail.followers"].invalidate_model()
