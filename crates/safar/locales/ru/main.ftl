# Русский.

## Shell
skip-to-content = Перейти к содержимому
nav-label = Главное меню
lang-switch-label = Язык
nav-home = Главная
nav-account = Мой профиль
nav-login = Войти
nav-register = Регистрация
nav-logout = Выйти
nav-admin-users = Пользователи
nav-admin-tokens = API-токены
nav-admin-audit = Журнал аудита
nav-admin-reference = Справочники
footer-text = Safar — безопасная и законная трудовая миграция. Никому не платите за работу за рубежом, не проверив его здесь.
search-submit = Найти
save-submit = Сохранить
page-older = Более ранние записи
never = никогда
coming-soon = Скоро.

## Home
home-title = Работа за рубежом без риска
home-intro = Проверьте посредника до оплаты, подготовьтесь к поездке, получите помощь за рубежом и начните заново дома.
journeys-heading = Что вам нужно?
journey-check-title = Проверьте, прежде чем ехать
journey-check-text = Есть ли у посредника лицензия? Настоящая ли вакансия? Проверьте за секунды без регистрации и сообщите о мошенничестве.
journey-prepare-title = Подготовка к отъезду
journey-prepare-text = Найдите легальные вакансии, пройдите предвыездной курс и получите сертификат, который проверит работодатель.
journey-help-title = Помощь за рубежом
journey-help-text = Не платят зарплату, отобрали паспорт, несчастный случай — круглосуточный колл-центр и консульство помогут.
journey-return-title = Возвращение и новый старт
journey-return-text = Переобучение, поддержка и гранты на малый бизнес для вернувшихся.
journey-picture-title = Общая картина
journey-picture-text = Открытые данные об отъездах, возвращениях и оказанной помощи по регионам и странам.
staff-home-title = Рабочие очереди
staff-queues-heading = Ваши очереди
staff-queues-empty = Сейчас для вас ничего нет.

## Sign in and registration
login-title = Вход
field-login = Эл. почта или номер телефона
field-password = Пароль
login-submit = Войти
login-failed = Неверная эл. почта, номер телефона или пароль.
login-throttled = Слишком много попыток. Подождите несколько минут и попробуйте снова.
login-no-account = Ещё нет учётной записи?
register-title = Регистрация
field-display-name = Ваше имя
field-password-confirm = Повторите пароль
password-hint = Не менее 8 символов. Не используйте распространённые пароли; короткую фразу легко запомнить.
register-submit = Зарегистрироваться
register-have-account = Уже зарегистрированы?
account-title = Мой профиль
account-signed-in-as = Вы вошли как
account-roles = Роли

## Administration: users and tokens
admin-users-title = Пользователи
users-new-link = Добавить сотрудника
users-search = Имя, эл. почта или телефон
users-none = Пользователи не найдены.
user-created = Пользователь создан.
user-disabled = Пользователь отключён, все его сеансы завершены.
user-disable-submit = Отключить
user-disable-confirm = Отключить этого пользователя? Его сеансы будут сразу завершены.
admin-user-new-title = Новый пользователь
field-email = Эл. почта
field-role = Роль
field-scope = Область (необязательно)
field-scope-hint = Ограничьте роль одной областью, например region:UZ-SA (Самаркандская область) или pdo_centre:ID-ЦЕНТРА.
field-initial-password = Начальный пароль
user-create-submit = Создать пользователя
admin-tokens-title = API-токены
tokens-new-heading = Новый токен
field-token-name = Название токена
token-create-submit = Создать токен
token-shown-once = Скопируйте токен сейчас. Он больше не будет показан.
tokens-list-heading = Токены
tokens-none = Токенов пока нет.
token-revoke-submit = Отозвать
token-revoke-confirm = Отозвать этот токен? Системы, которые его используют, сразу перестанут работать.
token-revoked = отозван
col-name = Имя
col-login = Эл. почта или телефон
col-roles = Роли
col-status = Статус
col-actions = Действия
col-created = Создан
col-owner = Владелец
col-last-used = Последнее использование
status-active = активен
status-disabled = отключён

## Audit
admin-audit-title = Журнал аудита
audit-filter-actor = Кто
audit-filter-action = Действие (или его начало, например login.)
audit-filter-target = Идентификатор записи
audit-none = Нет подходящих записей.
col-time = Время
col-actor = Кто
col-action = Действие
col-target = Запись
col-address = Адрес

## Reference data
ref-title = Справочники
ref-contents = Содержание
ref-regions = Регионы
ref-destinations = Страны назначения
ref-sectors = Отрасли (ISCO-08)
ref-languages = Языки
ref-currencies = Валюты
ref-region-districts = Районы
ref-edit-heading = Изменить названия и численность населения
col-code = Код
col-region = Регион
col-districts = Районы
col-population = Население
col-country = Страна
col-currency = Валюта
col-channels = Легальные каналы
field-name-uz-latn = Название на узбекском (латиница)
field-name-uz-cyrl = Название на узбекском (кириллица)
field-name-ru = Название на русском
field-name-en = Название на английском
field-population = Население
field-population-date = Дата численности (ГГГГ-ММ-ДД)

## Roles
role-citizen = Гражданин
role-operator = Оператор колл-центра
role-supervisor = Руководитель колл-центра
role-pdo_manager = Руководитель центра подготовки
role-trainer = Тренер
role-licensing_officer = Сотрудник по лицензированию
role-recruiter_staff = Сотрудник агентства занятости
role-reintegration_officer = Сотрудник по реинтеграции
role-grant_reviewer = Эксперт по грантам
role-regional_officer = Региональный сотрудник
role-analyst = Аналитик
role-admin = Администратор
role-partner = Организация-партнёр

## Field errors
err-required = Заполните это поле.
err-too-long = Слишком длинно.
err-invalid-text = Здесь есть недопустимые символы.
err-email = Введите адрес эл. почты, например name@example.org.
err-email-or-phone = Введите эл. почту или номер телефона, например +998 90 123 45 67.
err-password-short = Пароль должен содержать не менее 8 символов.
err-password-long = Пароль может содержать не более 128 символов.
err-password-common = Этот пароль слишком распространён. Выберите другой.
err-password-mismatch = Пароли не совпадают.
err-taken = Учётная запись с этой эл. почтой или телефоном уже существует.
err-role = Выберите одну из ролей списка.
err-scope = Укажите область в виде вид:значение, например region:UZ-SA.
err-disable-self = Нельзя отключить собственную учётную запись.
err-no-such-user = Пользователя с этой эл. почтой нет.
err-cursor = Ссылка на страницу недействительна; начните с первой страницы.
err-number = Введите целое число.
err-date = Введите дату в виде ГГГГ-ММ-ДД.

## Error pages
error-back-home = На главную
error-csrf = Форма отправлена с другого сайта и поэтому отклонена. Откройте страницу заново и повторите.
error-400-title = Запрос не понят
error-400-body = Часть запроса имеет неожиданный вид. Проверьте введённые данные и попробуйте снова.
error-401-title = Войдите в систему
error-401-body = Чтобы продолжить, войдите.
error-403-title = Доступ запрещён
error-403-body = У вашей учётной записи нет доступа к этой странице.
error-404-title = Страница не найдена
error-404-body = По этому адресу ничего нет. Проверьте ссылку или начните с главной страницы.
error-405-title = Здесь так нельзя
error-405-body = Этот адрес не принимает такой запрос.
error-408-title = Слишком долго
error-408-body = Запрос выполнялся слишком долго. Попробуйте снова.
error-409-title = Конфликт
error-409-body = Изменение противоречит текущему состоянию. Обновите страницу и попробуйте снова.
error-413-title = Слишком большой объём
error-413-body = Отправленные данные слишком велики.
error-422-title = Проверьте введённые данные
error-422-body = Некоторые поля нужно исправить.
error-429-title = Слишком много попыток
error-429-body = Подождите несколько минут и попробуйте снова.
error-500-title = Что-то пошло не так
error-500-body = Ошибка записана. Попробуйте чуть позже; если она повторяется, позвоните на горячую линию.

## Second factor (TOTP)
nav-admin-settings = Настройки
totp-login-title = Введите код
totp-login-intro = Откройте приложение-аутентификатор и введите 6-значный код для Safar.
field-totp-code = 6-значный код
err-totp-code = Код неверен или устарел. Введите код, который приложение показывает сейчас.
totp-enrol-title = Двухэтапный вход
totp-enabled = Двухэтапный вход для вашей учётной записи включён.
totp-required-notice = Ваша организация требует от сотрудников двухэтапного входа. Настройте его, чтобы продолжить.
totp-enrol-step1 = Отсканируйте этот код приложением-аутентификатором (например, FreeOTP, Aegis или Google Authenticator).
totp-qr-label = QR-код для приложения-аутентификатора
totp-enrol-manual = Или введите этот ключ в приложение вручную:
totp-enrol-step2 = Введите код, который сейчас показывает приложение.
totp-enable-submit = Включить двухэтапный вход
account-totp-link = Настроить или проверить двухэтапный вход
admin-settings-title = Настройки безопасности
settings-mfa-label = Сотрудники обязаны использовать двухэтапный вход
settings-mfa-hint = Сотрудникам без него будет предложено настроить его при следующем открытии страницы; граждан это не касается.
settings-saved = Настройки сохранены.
totp-open-app = Вы на этом телефоне? Откройте приложение-аутентификатор напрямую.
