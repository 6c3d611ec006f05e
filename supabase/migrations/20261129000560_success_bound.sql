-- =============================================================================
-- The success bound: one statistical helper for learning, the trip and the advice (ROUTING-SPEC §10)
-- =============================================================================
-- routing.success_bound(successes, executions, confidence, side) is the one
-- home of "how sure are we of a success rate": the one-sided Wilson score bound
--   centre = (p + z^2 / 2n) / (1 + z^2 / n)
--   half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)
--   upper  = centre + half,  lower = centre - half      (p = successes / n)
-- with z the standard normal quantile of the confidence (one-sided: a 0.95
-- upper bound is exceeded by the true rate 5% of the time). Why Wilson: unlike
-- the plain normal interval it stays inside 0-100 and is honest at the rates
-- this router lives at (95-100%) and at small n; it takes fractional counts, so
-- a Beta-style prior is added as pseudo-counts (successes + prior_weight x
-- prior_mean, executions + prior_weight) and the same function gives the
-- bound of the posterior (see the agent learning migration).
-- Callers: the learned tier (routing._learning_bound), the routed success
-- rule (routing._read_routed_success_rate) and advise_routing_thresholds.
--
-- Beside it, the Beta posterior itself for the learned tier's cost rule
-- (routing._learn_from_outcome): routing._beta_cdf(x, a, b), the regularized
-- incomplete beta function I_x(a, b) = P(p <= x) for p ~ Beta(a, b) (Lentz's
-- continued fraction, as in Numerical Recipes' betacf; ln Gamma by Lanczos,
-- g = 7, 9 terms), and routing._beta_shortfall(x, a, b) = E[max(0, x - p)]
-- = x I_x(a, b) - a / (a + b) I_x(a + 1, b), the expected shortfall of the
-- success rate below x.

-- -----------------------------------------------------------------------------
-- routing.normal_quantile: z for a confidence
-- -----------------------------------------------------------------------------
create function routing.normal_quantile(p numeric)
returns numeric
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  -- P. J. Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
  a constant double precision[] := array[-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
  b constant double precision[] := array[-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                         6.680131188771972e+01, -1.328068155288572e+01];
  c constant double precision[] := array[-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
  d constant double precision[] := array[7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                         3.754408661907416e+00];
  x double precision := p;
  q double precision;
  r double precision;
begin
  if p <= 0 or p >= 1 then
    raise exception 'normal_quantile: p must be between 0 and 1 (exclusive)' using errcode = '22023';
  end if;
  if x < 0.02425 then
    q := sqrt(-2 * ln(x));
    return ((((((c[1] * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) * q + c[6])
            / ((((d[1] * q + d[2]) * q + d[3]) * q + d[4]) * q + 1))::numeric;
  elsif x <= 1 - 0.02425 then
    q := x - 0.5;
    r := q * q;
    return ((((((a[1] * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * r + a[6]) * q
            / (((((b[1] * r + b[2]) * r + b[3]) * r + b[4]) * r + b[5]) * r + 1))::numeric;
  else
    q := sqrt(-2 * ln(1 - x));
    return (-(((((c[1] * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) * q + c[6])
            / ((((d[1] * q + d[2]) * q + d[3]) * q + d[4]) * q + 1))::numeric;
  end if;
end
$$;
comment on function routing.normal_quantile(numeric) is
  'z such that P(Z <= z) = p for a standard normal Z (Acklam''s approximation): 0.95 -> 1.645, 0.99 -> 2.326. 22023 outside (0, 1).';

-- -----------------------------------------------------------------------------
-- routing.success_bound
-- -----------------------------------------------------------------------------
create function routing.success_bound(successes numeric, executions numeric, confidence numeric, side text)
returns numeric
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  z double precision;
  n double precision := executions;
  p double precision;
  centre double precision;
  half double precision;
begin
  if side is null or side not in ('upper', 'lower') then
    raise exception 'success_bound: side must be upper or lower' using errcode = '22023';
  end if;
  if confidence is null or confidence <= 0.5 or confidence >= 1 then
    raise exception 'success_bound: confidence must be above 0.5 and below 1' using errcode = '22023';
  end if;
  if successes is null or executions is null or successes < 0 or successes > executions then
    raise exception 'success_bound: successes must be between 0 and executions' using errcode = '22023';
  end if;
  -- No evidence: anything is possible.
  if executions = 0 then
    return case side when 'upper' then 100 else 0 end;
  end if;
  z := routing.normal_quantile(confidence);
  p := successes / executions;
  centre := (p + z * z / (2 * n)) / (1 + z * z / n);
  half := z / (1 + z * z / n) * sqrt(greatest(p * (1 - p) / n + z * z / (4 * n * n), 0));
  return round((100 * least(greatest(case side when 'upper' then centre + half else centre - half end, 0), 1))::numeric, 4);
end
$$;
comment on function routing.success_bound(numeric, numeric, numeric, text) is
  'The one-sided Wilson score bound (%, 4 decimals) of a success rate from successes of executions (fractional pseudo-counts '
  'allowed) at a confidence in (0.5, 1): side upper = the rate is below it with that confidence, lower = above it. '
  '0 executions: upper 100, lower 0. The one home of the statistics of learning, the rollback trip and the advice.';

-- -----------------------------------------------------------------------------
-- The Beta posterior: its CDF and its expected shortfall below a rate
-- -----------------------------------------------------------------------------
create function routing._ln_gamma(x double precision)
returns double precision
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  -- Lanczos' approximation (g = 7, n = 9), relative error < 1e-13 for x > 0.
  c constant double precision[] := array[0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                                         -176.61502916214059, 12.507343278686905, -0.13857109526572012,
                                         9.9843695780195716e-6, 1.5056327351493116e-7];
  a double precision := c[1];
  t double precision;
  y double precision := x - 1;
begin
  if x <= 0 then
    raise exception '_ln_gamma: x must be positive' using errcode = '22023';
  end if;
  if x < 0.5 then
    -- Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
    return ln(pi() / sin(pi() * x)) - routing._ln_gamma(1 - x);
  end if;
  t := y + 7.5;
  for i in 2..9 loop
    a := a + c[i] / (y + i - 1);
  end loop;
  return 0.5 * ln(2 * pi()) + (y + 0.5) * ln(t) - t + ln(a);
end
$$;
comment on function routing._ln_gamma(double precision) is 'ln Gamma(x) for x > 0 (Lanczos, g = 7); 22023 otherwise. For routing._beta_cdf.';

create function routing._beta_cf(x double precision, a double precision, b double precision)
returns double precision
language plpgsql immutable strict parallel safe
set search_path = ''
as $$
declare
  tiny constant double precision := 1e-300;
  qab double precision := a + b;
  qap double precision := a + 1;
  qam double precision := a - 1;
  c double precision := 1;
  d double precision := 1 - qab * x / qap;
  h double precision;
  aa double precision;
  del double precision;
  m2 integer;
begin
  -- Lentz's method for the continued fraction of I_x(a, b) (Numerical Recipes, betacf).
  if abs(d) < tiny then d := tiny; end if;
  d := 1 / d;
  h := d;
  -- Near the mean of a large record it needs about sqrt(max(a, b)) terms: 2,000 cover 10^6 executions.
  for m in 1..2000 loop
    m2 := 2 * m;
    aa := m * (b - m) * x / ((qam + m2) * (a + m2));
    d := 1 + aa * d; if abs(d) < tiny then d := tiny; end if;
    c := 1 + aa / c; if abs(c) < tiny then c := tiny; end if;
    d := 1 / d;
    h := h * d * c;
    aa := -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d := 1 + aa * d; if abs(d) < tiny then d := tiny; end if;
    c := 1 + aa / c; if abs(c) < tiny then c := tiny; end if;
    d := 1 / d;
    del := d * c;
    h := h * del;
    exit when abs(del - 1) < 3e-14;
  end loop;
  return h;
end
$$;
comment on function routing._beta_cf(double precision, double precision, double precision) is
  'The continued fraction of the regularized incomplete beta function (Lentz; Numerical Recipes betacf). For routing._beta_cdf.';

create function routing._beta_cdf(x numeric, a numeric, b numeric)
returns numeric
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  xd double precision := x;
  ad double precision := a;
  bd double precision := b;
  lnfront double precision;
  front double precision;
begin
  if x is null or a is null or b is null or a <= 0 or b <= 0 then
    raise exception '_beta_cdf: a and b must be positive' using errcode = '22023';
  end if;
  if xd <= 0 then return 0; end if;
  if xd >= 1 then return 1; end if;
  lnfront := routing._ln_gamma(ad + bd) - routing._ln_gamma(ad) - routing._ln_gamma(bd) + ad * ln(xd) + bd * ln(1 - xd);
  -- A long, concentrated record (say 50,000 executions at 99.9 %) puts x far in a tail: the front
  -- factor is below 1e-300, where exp() raises an underflow instead of returning 0, so the tail is
  -- answered directly: 0 below the mean, 1 above it (exact in double precision).
  if lnfront < -690 then
    return case when xd < (ad + 1) / (ad + bd + 2) then 0 else 1 end;
  end if;
  front := exp(lnfront);
  -- The continued fraction converges fast for x < (a + 1) / (a + b + 2); else by symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
  if xd < (ad + 1) / (ad + bd + 2) then
    return least(greatest(front * routing._beta_cf(xd, ad, bd) / ad, 0), 1)::numeric;
  end if;
  return least(greatest(1 - front * routing._beta_cf(1 - xd, bd, ad) / bd, 0), 1)::numeric;
end
$$;
comment on function routing._beta_cdf(numeric, numeric, numeric) is
  'P(p <= x) for p ~ Beta(a, b): the regularized incomplete beta function I_x(a, b) (a, b > 0; 22023 otherwise).';

create function routing._beta_shortfall(x numeric, a numeric, b numeric)
returns numeric
language sql immutable parallel safe
set search_path = ''
as $$
  -- E[max(0, x - p)] = x I_x(a, b) - E[p; p <= x], and E[p; p <= x] = a / (a + b) I_x(a + 1, b).
  select greatest(x * routing._beta_cdf(x, a, b) - a / (a + b) * routing._beta_cdf(x, a + 1, b), 0)
$$;
comment on function routing._beta_shortfall(numeric, numeric, numeric) is
  'E[max(0, x - p)] for p ~ Beta(a, b): how far, on average, the rate falls short of x (0..1). The learned tier''s cost rule.';

revoke all on function routing._ln_gamma(double precision) from public;
revoke all on function routing._beta_cf(double precision, double precision, double precision) from public;
revoke all on function routing._beta_cdf(numeric, numeric, numeric) from public;
revoke all on function routing._beta_shortfall(numeric, numeric, numeric) from public;
revoke all on function routing.normal_quantile(numeric) from public;
revoke all on function routing.success_bound(numeric, numeric, numeric, text) from public;
-- The advice runs as its caller (the service role).
grant execute on function routing.normal_quantile(numeric), routing.success_bound(numeric, numeric, numeric, text) to service_role;
