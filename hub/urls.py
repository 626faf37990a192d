from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hub.accounts import settings_views as account_settings
from hub.accounts import views as accounts
from hub.booking import template_views
from hub.booking import views as booking
from hub.mail import dev as dev_mail
from hub.mail import views as mail
from hub.notify import views as notify
from hub.outbox import views as outbox
from hub.portal import staff_views as portal_staff
from hub.portal import views as portal
from hub.push import views as push
from hub.sms import dev as dev_sms
from hub.sms import views as sms
from hub.threads import views as threads
from hub.web import catalog as web_catalog
from hub.web import mobile as web_mobile
from hub.web import views as web

api = [
    path("session", accounts.session, name="session"),
    path("me", accounts.me, name="me"),
    path("me/organization", accounts.switch_organization, name="switch-organization"),
    path("colleagues", accounts.colleagues, name="colleagues"),
    path("members", account_settings.members, name="members"),
    path("members/<int:member_id>", account_settings.member_detail, name="member"),
    path("teams", account_settings.teams, name="teams"),
    path("teams/<int:team_id>", account_settings.team_detail, name="team"),
    path(
        "settings/organization",
        account_settings.organization_settings,
        name="organization-settings",
    ),
    path("cases", threads.cases, name="cases"),
    path("cases/<int:case_id>", threads.case_detail, name="case"),
    path("cases/<int:case_id>/assign", threads.assign, name="case-assign"),
    path("cases/<int:case_id>/take-over", threads.take_over, name="case-take-over"),
    path("cases/<int:case_id>/messages", threads.messages, name="case-messages"),
    path(
        "cases/<int:case_id>/messages/<int:message_id>",
        threads.message_detail,
        name="case-message",
    ),
    path("cases/<int:case_id>/read", threads.mark_read, name="case-read"),
    path("cases/<int:case_id>/attachments", threads.attachments, name="case-attachments"),
    path("cases/<int:case_id>/events", threads.events, name="case-events"),
    path("cases/<int:case_id>/deliveries", outbox.sent_log, name="case-deliveries"),
    path("cases/<int:case_id>/recipients", outbox.recipients, name="case-recipients"),
    path(
        "cases/<int:case_id>/messages/<int:message_id>/original",
        mail.original,
        name="case-message-original",
    ),
    path("cases/<int:case_id>/keep", threads.keep_case, name="case-keep"),
    path(
        "cases/<int:case_id>/messages/<int:message_id>/move",
        threads.move_message,
        name="case-message-move",
    ),
    path("cases/<int:case_id>/booking", booking.case_booking, name="case-booking"),
    path(
        "cases/<int:case_id>/booking/<str:action>",
        booking.booking_action,
        name="case-booking-action",
    ),
    path("bookings", booking.bookings, name="bookings"),
    path("bookings/send", booking.send_many, name="bookings-send"),
    path("bookings/day", booking.day_board, name="bookings-day"),
    path("bookings/day/lock", booking.lock_day, name="bookings-day-lock"),
    path("bookings/day/reorder", booking.reorder_day, name="bookings-day-reorder"),
    path("letters", booking.letters, name="letters"),
    path("letters/print", booking.letters_print, name="letters-print"),
    path("letters/<int:letter_id>", booking.letter_detail, name="letter"),
    path("settings/booking", booking.settings_door, name="booking-settings"),
    path("settings/templates", template_views.templates, name="templates"),
    path(
        "settings/templates/<str:purpose>/<str:channel>",
        template_views.template_detail,
        name="template",
    ),
    path(
        "cases/<int:case_id>/templates/preview",
        template_views.template_preview,
        name="template-preview",
    ),
    path("settings/mail", mail.mail_settings, name="mail-settings"),
    path("settings/mail/logo", mail.logo, name="mail-logo"),
    path("settings/mailboxes", mail.mailboxes, name="mailboxes"),
    path("settings/sms", sms.sms_settings, name="sms-settings"),
    path("sms/preview", sms.preview, name="sms-preview"),
    path("sms/members", sms.sms_members, name="sms-members"),
    path("contacts/<int:contact_id>/sms", sms.sms_contact, name="contact-sms"),
    path("contacts/<int:contact_id>/portal", portal_staff.contact_portal, name="contact-portal"),
    path("cases/<int:case_id>/portal-link", portal_staff.case_portal_link, name="case-portal-link"),
    path("portal/case", portal.case, name="portal-case"),
    path("portal/messages", portal.messages, name="portal-messages"),
    path("portal/attachments", portal.attachments, name="portal-attachments"),
    path("portal/files/<int:attachment_id>", portal.download, name="portal-file"),
    path("portal/read", portal.read, name="portal-read"),
    path("portal/booking", portal.booking, name="portal-booking"),
    path("portal/logo", portal.logo, name="portal-logo"),
    path(
        "attachments/<int:attachment_id>", threads.attachment_download, name="attachment-download"
    ),
    path("notifications", notify.notifications, name="notifications"),
    path("notifications/seen", notify.mark_seen, name="notifications-seen"),
    path("notifications/preferences", notify.preferences, name="notification-preferences"),
    path(
        "members/<int:member_id>/notification-policy",
        notify.policy,
        name="member-notification-policy",
    ),
    path("push/key", push.key, name="push-key"),
    path("push/subscriptions", push.subscriptions, name="push-subscriptions"),
    path("openapi.json", web.openapi, name="openapi"),
]

urlpatterns = [
    path("api/", include((api, "api"))),
    path("admin/", admin.site.urls),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
    path("dev/mail/", dev_mail.dev_mailbox, name="dev-mail"),
    path("dev/sms/", dev_sms.phone_simulator, name="dev-sms"),
    path("p/", portal.page, name="portal-page"),
    path("p/new-link", portal.new_link, name="portal-new-link"),
    path("p/<str:token>", portal.open_link, name="portal-open"),
    path("jsi18n/", web_catalog.javascript_catalog, name="javascript-catalog"),
    path("cases/<int:case_id>/", web.app, name="case-page"),
    path("board/", web.app, name="board-page"),
    path("letters/", web.app, name="letters-page"),
    path("settings/", web.app, name="settings-page"),
    path("settings/<slug:section>/", web.app, name="settings-section-page"),
    path("m/", web_mobile.mobile, name="mobile"),
    path("m/<path:route>/", web_mobile.mobile, name="mobile-page"),
    path("", web.app, name="home"),
]
