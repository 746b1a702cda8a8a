# English. Message ids are shared by every locale; a test fails if one is missing.

## Shell
skip-to-content = Skip to content
nav-label = Main menu
lang-switch-label = Language
nav-home = Home
nav-account = My account
nav-login = Sign in
nav-register = Register
nav-logout = Sign out
nav-admin-users = Users
nav-admin-tokens = API tokens
nav-admin-audit = Audit log
nav-admin-reference = Reference data
footer-text = Safar — safe, legal labour migration. Never pay anyone for a job abroad before checking them here.
search-submit = Search
save-submit = Save
page-older = Older entries
never = never
coming-soon = Coming soon.

## Home
home-title = Work abroad safely
home-intro = Check a recruiter before you pay, prepare for your trip, get help abroad, and make a new start at home.
journeys-heading = What do you need?
journey-check-title = Check before you go
journey-check-text = Is the recruiter licensed? Is the job real? Check in seconds, without an account, and report fraud.
journey-prepare-title = Prepare your departure
journey-prepare-text = Find legal vacancies, take the pre-departure course and get a certificate employers can verify.
journey-help-title = Help abroad
journey-help-text = Unpaid wages, a kept passport, an accident: the 24/7 call centre and the consulate can help.
journey-return-title = Return and restart
journey-return-text = Retraining, support and small-business grants for people who come back.
journey-picture-title = See the whole picture
journey-picture-text = Open figures on departures, returns and help given, by region and destination.
staff-home-title = Work queues
staff-queues-heading = Your queues
staff-queues-empty = Nothing is waiting for you.

## Sign in and registration
login-title = Sign in
field-login = E-mail or phone number
field-password = Password
login-submit = Sign in
login-failed = The e-mail, phone number or password is wrong.
login-throttled = Too many attempts. Wait a few minutes and try again.
login-no-account = No account yet?
register-title = Create an account
field-display-name = Your name
field-password-confirm = Repeat the password
password-hint = At least 8 characters. Avoid common passwords; a short sentence is easy to remember.
register-submit = Create account
register-have-account = Already registered?
account-title = My account
account-signed-in-as = Signed in as
account-roles = Roles

## Administration: users and tokens
admin-users-title = Users
users-new-link = Add a staff user
users-search = Name, e-mail or phone
users-none = No users found.
user-created = The user was created.
user-disabled = The user was disabled and signed out everywhere.
user-disable-submit = Disable
user-disable-confirm = Disable this user? They are signed out at once.
admin-user-new-title = New user
field-email = E-mail
field-role = Role
field-scope = Scope (optional)
field-scope-hint = Limit the role to one area, e.g. region:UZ-SA (Samarqand region) or pdo_centre:CENTRE-ID.
field-initial-password = Initial password
user-create-submit = Create user
admin-tokens-title = API tokens
tokens-new-heading = New token
field-token-name = Token name
token-create-submit = Create token
token-shown-once = Copy this token now. It will not be shown again.
tokens-list-heading = Tokens
tokens-none = No tokens yet.
token-revoke-submit = Revoke
token-revoke-confirm = Revoke this token? Systems using it stop working at once.
token-revoked = revoked
col-name = Name
col-login = E-mail or phone
col-roles = Roles
col-status = Status
col-actions = Actions
col-created = Created
col-owner = Owner
col-last-used = Last used
status-active = active
status-disabled = disabled

## Audit
admin-audit-title = Audit log
audit-filter-actor = Who
audit-filter-action = Action (or its start, e.g. login.)
audit-filter-target = Record id
audit-none = No entries match.
col-time = Time
col-actor = Who
col-action = Action
col-target = Record
col-address = Address

## Reference data
ref-title = Reference data
ref-contents = Contents
ref-regions = Regions
ref-destinations = Destination countries
ref-sectors = Sectors (ISCO-08)
ref-languages = Languages
ref-currencies = Currencies
ref-region-districts = Districts
ref-edit-heading = Edit names and population
col-code = Code
col-region = Region
col-districts = Districts
col-population = Population
col-country = Country
col-currency = Currency
col-channels = Legal channels
field-name-uz-latn = Name in Uzbek (Latin)
field-name-uz-cyrl = Name in Uzbek (Cyrillic)
field-name-ru = Name in Russian
field-name-en = Name in English
field-population = Population
field-population-date = Population date (YYYY-MM-DD)

## Roles
role-citizen = Citizen
role-operator = Call-centre operator
role-supervisor = Call-centre supervisor
role-pdo_manager = PDO centre manager
role-trainer = Trainer
role-licensing_officer = Licensing officer
role-recruiter_staff = Recruiter staff
role-reintegration_officer = Reintegration officer
role-grant_reviewer = Grant reviewer
role-regional_officer = Regional officer
role-analyst = Analyst
role-admin = Administrator
role-partner = Partner organisation

## Field errors
err-required = Fill in this field.
err-too-long = This is too long.
err-invalid-text = This contains characters that are not allowed.
err-email = Enter an e-mail address such as name@example.org.
err-email-or-phone = Enter an e-mail address or a phone number such as +998 90 123 45 67.
err-password-short = The password needs at least 8 characters.
err-password-long = The password may have at most 128 characters.
err-password-common = This password is too common. Choose another.
err-password-mismatch = The two passwords differ.
err-taken = An account with this e-mail or phone already exists.
err-role = Choose one of the listed roles.
err-scope = Write the scope as kind:value, e.g. region:UZ-SA.
err-disable-self = You cannot disable your own account.
err-no-such-user = There is no user with this e-mail.
err-cursor = This page link is not valid; start from the first page.
err-number = Enter a whole number.
err-date = Enter a date as YYYY-MM-DD.

## Error pages
error-back-home = Back to the home page
error-csrf = This form was sent from another site, so it was refused. Open the page again and retry.
error-400-title = Request not understood
error-400-body = Something in the request was not in the expected form. Check what you entered and try again.
error-401-title = Please sign in
error-401-body = Sign in to continue.
error-403-title = Not allowed
error-403-body = Your account does not have access to this page.
error-404-title = Page not found
error-404-body = There is nothing at this address. Check the link, or start from the home page.
error-405-title = Not allowed here
error-405-body = This address does not accept this kind of request.
error-408-title = Took too long
error-408-body = The request took too long. Try again.
error-409-title = Conflict
error-409-body = This change conflicts with the current state. Reload and try again.
error-413-title = Too large
error-413-body = What you sent is too large.
error-422-title = Please check your input
error-422-body = Some fields need correcting.
error-429-title = Too many attempts
error-429-body = Wait a few minutes and try again.
error-500-title = Something went wrong
error-500-body = The error was recorded. Try again in a moment; if it keeps happening, call the helpline.

## Second factor (TOTP)
nav-admin-settings = Settings
totp-login-title = Enter your code
totp-login-intro = Open your authenticator app and enter the 6-digit code shown for Safar.
field-totp-code = 6-digit code
err-totp-code = The code is wrong or has expired. Enter the code your app shows now.
totp-enrol-title = Two-step sign-in
totp-enabled = Two-step sign-in is on for your account.
totp-required-notice = Your organisation requires two-step sign-in for staff. Set it up to continue.
totp-enrol-step1 = Scan this code with an authenticator app (for example FreeOTP, Aegis or Google Authenticator).
totp-qr-label = QR code for your authenticator app
totp-enrol-manual = Or type this key into the app:
totp-enrol-step2 = Enter the code the app now shows.
totp-enable-submit = Turn on two-step sign-in
account-totp-link = Set up or check two-step sign-in
admin-settings-title = Security settings
settings-mfa-label = Staff must use two-step sign-in
settings-mfa-hint = Staff without it are asked to set it up at their next page view; citizens are not affected.
settings-saved = Settings saved.
totp-open-app = On this phone? Open the authenticator app directly.
