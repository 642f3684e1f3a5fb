from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners import services
from partners.models import Person


class Command(BaseCommand):
    help = "Create a partnership and its first business-unit person, who is emailed an invitation."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. 'Thurrock LSCP'")
        parser.add_argument("--slug", required=True, help="e.g. 'thurrock': the partnership lives under /<slug>/")
        parser.add_argument("--area", required=True, help="The local-authority area, e.g. 'Thurrock'")
        parser.add_argument("--population", required=True, type=int)
        parser.add_argument("--first-user-email", required=True)
        parser.add_argument("--first-user-first-name", required=True)
        parser.add_argument("--first-user-last-name", required=True)
        parser.add_argument("--first-user-username", default="")
        parser.add_argument("--administrator", required=True, help="Username of the administrator doing this")

    def handle(self, *args, **options):
        try:
            actor = Person.objects.get(username=options["administrator"], is_superuser=True)
        except Person.DoesNotExist:
            raise CommandError(f"No administrator called {options['administrator']!r}") from None
        try:
            partnership, membership = services.partnership_create(
                actor=actor,
                name=options["name"],
                slug=options["slug"],
                area=options["area"],
                population=options["population"],
                first_user_email=options["first_user_email"],
                first_user_first_name=options["first_user_first_name"],
                first_user_last_name=options["first_user_last_name"],
                first_user_username=options["first_user_username"],
            )
        except ValidationError as error:
            lines = [f"  {field}: {'; '.join(messages)}" for field, messages in error.message_dict.items()]
            raise CommandError("Nothing was created:\n" + "\n".join(lines)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {partnership} at /{partnership.slug}/; {membership.person.email} has been sent an invitation."
            )
        )
