# O‘zbekcha (lotin). Bu matndan o‘zbekcha kirill matni avtomatik yasaladi (uz-text):
# faqat oddiy { $nom } o‘rinlari ishlatiladi, tanlov (->) ishlatilmaydi.

## Shell
skip-to-content = Asosiy qismga o‘tish
nav-label = Asosiy menyu
lang-switch-label = Til
nav-home = Bosh sahifa
nav-account = Mening hisobim
nav-login = Kirish
nav-register = Ro‘yxatdan o‘tish
nav-logout = Chiqish
nav-admin-users = Foydalanuvchilar
nav-admin-tokens = API tokenlar
nav-admin-audit = Audit jurnali
nav-admin-reference = Ma’lumotnomalar
footer-text = Safar — xavfsiz va qonuniy mehnat migratsiyasi. Chet eldagi ish uchun hech kimga oldindan pul to‘lamang — avval shu yerda tekshiring.
search-submit = Qidirish
save-submit = Saqlash
page-older = Oldingi yozuvlar
never = hech qachon
coming-soon = Tez orada.

## Home
home-title = Chet elda xavfsiz ishlang
home-intro = Pul to‘lashdan oldin vositachini tekshiring, safarga tayyorlaning, chet elda yordam oling va vatanda yangi hayot boshlang.
journeys-heading = Sizga nima kerak?
journey-check-title = Ketishdan oldin tekshiring
journey-check-text = Vositachining litsenziyasi bormi? Ish haqiqiymi? Hisobsiz, bir necha soniyada tekshiring va firibgarlik haqida xabar bering.
journey-prepare-title = Ketishga tayyorlaning
journey-prepare-text = Qonuniy bo‘sh ish o‘rinlarini toping, ketish oldidan kursni o‘ting va ish beruvchi tekshira oladigan sertifikat oling.
journey-help-title = Chet elda yordam
journey-help-text = Ish haqi to‘lanmadimi, pasportingiz olib qo‘yildimi, baxtsiz hodisa yuz berdimi — 24/7 aloqa markazi va konsullik yordam beradi.
journey-return-title = Qaytish va yangi boshlanish
journey-return-text = Qaytganlar uchun qayta o‘qitish, ko‘mak va kichik biznes grantlari.
journey-picture-title = Umumiy manzara
journey-picture-text = Ketganlar, qaytganlar va ko‘rsatilgan yordam haqida hududlar va davlatlar bo‘yicha ochiq raqamlar.
staff-home-title = Ish navbatlari
staff-queues-heading = Sizning navbatlaringiz
staff-queues-empty = Hozircha sizni kutayotgan ish yo‘q.

## Sign in and registration
login-title = Kirish
field-login = Elektron pochta yoki telefon raqami
field-password = Parol
login-submit = Kirish
login-failed = Elektron pochta, telefon raqami yoki parol noto‘g‘ri.
login-throttled = Urinishlar juda ko‘p. Bir necha daqiqa kutib, qaytadan urinib ko‘ring.
login-no-account = Hisobingiz yo‘qmi?
register-title = Hisob yaratish
field-display-name = Ismingiz
field-password-confirm = Parolni takrorlang
password-hint = Kamida 8 ta belgi. Keng tarqalgan parollardan foydalanmang; qisqa gapni eslab qolish oson.
register-submit = Hisob yaratish
register-have-account = Ro‘yxatdan o‘tganmisiz?
account-title = Mening hisobim
account-signed-in-as = Kirgan foydalanuvchi
account-roles = Rollar

## Administration: users and tokens
admin-users-title = Foydalanuvchilar
users-new-link = Xodim qo‘shish
users-search = Ism, elektron pochta yoki telefon
users-none = Foydalanuvchi topilmadi.
user-created = Foydalanuvchi yaratildi.
user-disabled = Foydalanuvchi o‘chirildi va barcha qurilmalardan chiqarildi.
user-disable-submit = O‘chirish
user-disable-confirm = Bu foydalanuvchi o‘chirilsinmi? U darhol tizimdan chiqariladi.
admin-user-new-title = Yangi foydalanuvchi
field-email = Elektron pochta
field-role = Rol
field-scope = Doira (ixtiyoriy)
field-scope-hint = Rolni bitta hudud bilan cheklang, masalan region:UZ-SA (Samarqand viloyati) yoki pdo_centre:MARKAZ-ID.
field-initial-password = Boshlang‘ich parol
user-create-submit = Foydalanuvchi yaratish
admin-tokens-title = API tokenlar
tokens-new-heading = Yangi token
field-token-name = Token nomi
token-create-submit = Token yaratish
token-shown-once = Bu tokenni hozir nusxalab oling. U boshqa ko‘rsatilmaydi.
tokens-list-heading = Tokenlar
tokens-none = Hozircha token yo‘q.
token-revoke-submit = Bekor qilish
token-revoke-confirm = Bu token bekor qilinsinmi? Undan foydalanayotgan tizimlar darhol to‘xtaydi.
token-revoked = bekor qilingan
col-name = Ism
col-login = Elektron pochta yoki telefon
col-roles = Rollar
col-status = Holat
col-actions = Amallar
col-created = Yaratilgan
col-owner = Egasi
col-last-used = Oxirgi foydalanish
status-active = faol
status-disabled = o‘chirilgan

## Audit
admin-audit-title = Audit jurnali
audit-filter-actor = Kim
audit-filter-action = Amal (yoki boshi, masalan login.)
audit-filter-target = Yozuv identifikatori
audit-none = Mos yozuv yo‘q.
col-time = Vaqt
col-actor = Kim
col-action = Amal
col-target = Yozuv
col-address = Manzil

## Reference data
ref-title = Ma’lumotnomalar
ref-contents = Mundarija
ref-regions = Hududlar
ref-destinations = Borish davlatlari
ref-sectors = Tarmoqlar (ISCO-08)
ref-languages = Tillar
ref-currencies = Valyutalar
ref-region-districts = Tumanlar
ref-edit-heading = Nomlar va aholi sonini tahrirlash
col-code = Kod
col-region = Hudud
col-districts = Tumanlar
col-population = Aholi soni
col-country = Davlat
col-currency = Valyuta
col-channels = Qonuniy yo‘llar
field-name-uz-latn = O‘zbekcha nomi (lotin)
field-name-uz-cyrl = O‘zbekcha nomi (kirill)
field-name-ru = Ruscha nomi
field-name-en = Inglizcha nomi
field-population = Aholi soni
field-population-date = Aholi soni sanasi (YYYY-MM-DD)

## Roles
role-citizen = Fuqaro
role-operator = Aloqa markazi operatori
role-supervisor = Aloqa markazi rahbari
role-pdo_manager = Tayyorlov markazi rahbari
role-trainer = Trener
role-licensing_officer = Litsenziyalash xodimi
role-recruiter_staff = Vositachi xodimi
role-reintegration_officer = Reintegratsiya xodimi
role-grant_reviewer = Grant ekspert
role-regional_officer = Hududiy xodim
role-analyst = Tahlilchi
role-admin = Administrator
role-partner = Hamkor tashkilot

## Field errors
err-required = Bu maydonni to‘ldiring.
err-too-long = Bu juda uzun.
err-invalid-text = Bu yerda ruxsat etilmagan belgilar bor.
err-email = Elektron pochtani kiriting, masalan ism@example.org.
err-email-or-phone = Elektron pochta yoki telefon raqamini kiriting, masalan +998 90 123 45 67.
err-password-short = Parol kamida 8 ta belgidan iborat bo‘lishi kerak.
err-password-long = Parol ko‘pi bilan 128 ta belgi bo‘lishi mumkin.
err-password-common = Bu parol juda keng tarqalgan. Boshqasini tanlang.
err-password-mismatch = Ikki parol bir xil emas.
err-taken = Bu elektron pochta yoki telefon bilan hisob allaqachon mavjud.
err-role = Ro‘yxatdagi rollardan birini tanlang.
err-scope = Doirani tur:qiymat ko‘rinishida yozing, masalan region:UZ-SA.
err-disable-self = O‘z hisobingizni o‘chira olmaysiz.
err-no-such-user = Bu elektron pochtali foydalanuvchi yo‘q.
err-cursor = Bu sahifa havolasi noto‘g‘ri; birinchi sahifadan boshlang.
err-number = Butun son kiriting.
err-date = Sanani YYYY-MM-DD ko‘rinishida kiriting.

## Error pages
error-back-home = Bosh sahifaga qaytish
error-csrf = Bu shakl boshqa saytdan yuborilgani uchun rad etildi. Sahifani qayta oching va yana urinib ko‘ring.
error-400-title = So‘rov tushunilmadi
error-400-body = So‘rovdagi ma’lumot kutilgan ko‘rinishda emas. Kiritganingizni tekshirib, qaytadan urinib ko‘ring.
error-401-title = Iltimos, tizimga kiring
error-401-body = Davom etish uchun tizimga kiring.
error-403-title = Ruxsat yo‘q
error-403-body = Hisobingizga bu sahifaga kirish ruxsati berilmagan.
error-404-title = Sahifa topilmadi
error-404-body = Bu manzilda hech narsa yo‘q. Havolani tekshiring yoki bosh sahifadan boshlang.
error-405-title = Bu yerda ruxsat etilmaydi
error-405-body = Bu manzil bunday so‘rovni qabul qilmaydi.
error-408-title = Juda uzoq davom etdi
error-408-body = So‘rov juda uzoq davom etdi. Qaytadan urinib ko‘ring.
error-409-title = Ziddiyat
error-409-body = Bu o‘zgarish joriy holatga zid. Sahifani yangilab, qaytadan urinib ko‘ring.
error-413-title = Juda katta
error-413-body = Yuborganingiz juda katta.
error-422-title = Kiritilganlarni tekshiring
error-422-body = Ba’zi maydonlarni tuzatish kerak.
error-429-title = Urinishlar juda ko‘p
error-429-body = Bir necha daqiqa kutib, qaytadan urinib ko‘ring.
error-500-title = Xatolik yuz berdi
error-500-body = Xatolik qayd etildi. Birozdan so‘ng qaytadan urinib ko‘ring; takrorlansa, ishonch telefoniga qo‘ng‘iroq qiling.

## Second factor (TOTP)
nav-admin-settings = Sozlamalar
totp-login-title = Kodni kiriting
totp-login-intro = Autentifikator ilovasini oching va Safar uchun ko‘rsatilgan 6 xonali kodni kiriting.
field-totp-code = 6 xonali kod
err-totp-code = Kod noto‘g‘ri yoki muddati o‘tgan. Ilova hozir ko‘rsatayotgan kodni kiriting.
totp-enrol-title = Ikki bosqichli kirish
totp-enabled = Hisobingizda ikki bosqichli kirish yoqilgan.
totp-required-notice = Tashkilotingiz xodimlardan ikki bosqichli kirishni talab qiladi. Davom etish uchun uni sozlang.
totp-enrol-step1 = Bu kodni autentifikator ilovasi bilan skanerlang (masalan, FreeOTP, Aegis yoki Google Authenticator).
totp-qr-label = Autentifikator ilovasi uchun QR kod
totp-enrol-manual = Yoki bu kalitni ilovaga qo‘lda kiriting:
totp-enrol-step2 = Ilova hozir ko‘rsatayotgan kodni kiriting.
totp-enable-submit = Ikki bosqichli kirishni yoqish
account-totp-link = Ikki bosqichli kirishni sozlash yoki tekshirish
admin-settings-title = Xavfsizlik sozlamalari
settings-mfa-label = Xodimlar ikki bosqichli kirishdan foydalanishi shart
settings-mfa-hint = Uni sozlamagan xodimlardan keyingi sahifada sozlash so‘raladi; fuqarolarga ta’sir qilmaydi.
settings-saved = Sozlamalar saqlandi.
totp-open-app = Shu telefondamisiz? Autentifikator ilovasini to‘g‘ridan-to‘g‘ri oching.
