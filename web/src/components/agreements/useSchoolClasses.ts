// The school's classes and year groups, worked out from its pupils (there is no class list endpoint).
import { useQuery } from '@tanstack/react-query';
import { api, type PeoplePage } from '../../api.ts';

export function useSchoolClasses(schoolId: string | undefined) {
  return useQuery({
    queryKey: ['school-classes', schoolId],
    enabled: Boolean(schoolId),
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const classes = new Set<string>();
      const years = new Set<string>();
      for (let offset = 0; offset < 2000; offset += 200) {
        const page = await api.get<PeoplePage>(`/schools/${schoolId}/people`, { kind: 'pupil', limit: 200, offset });
        for (const p of page.people) {
          if (p.registrationGroup) classes.add(p.registrationGroup);
          if (p.yearGroup) years.add(p.yearGroup);
        }
        if (offset + 200 >= page.total) break;
      }
      const natural = (a: string, b: string) => a.localeCompare(b, 'en-GB', { numeric: true });
      return { classes: [...classes].sort(natural), years: [...years].sort(natural) };
    },
  });
}
